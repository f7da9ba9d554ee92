import type { Config } from '@copyreg/kit';
import type { Knex } from 'knex';
import type { ScenarioResult } from './report';

export interface ScenarioContext {
  config: Config;
  db: Knex;
  options: { n: number; concurrency: number; waiting: number; rows: number };
  stackGroups: () => Record<string, number[]>;
}

export interface Scenario {
  name: string;
  title: string;
  run(ctx: ScenarioContext): Promise<ScenarioResult>;
  tuning?: { change: string; effect: string }[];
}

/** Every scenario, in the order a run takes them. */
export const scenarios: Scenario[] = [];
