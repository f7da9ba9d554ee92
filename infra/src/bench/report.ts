import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../paths';
import type { BaselineFigure } from './baseline';
import type { GroupFigures } from './sampler';
import type { LatencySummary } from './stats';

/** One benchmark run, as written to bench-results/<date>.json and summarised in docs/benchmarks.md. */
export interface BenchResult {
  date: string;
  machine: {
    nproc: number;
    memoryGb: number;
    cpuModel: string;
    node: string;
    kernel: string;
    /** 1-minute load average when the run began: other work on the machine skews every figure. */
    loadAtStart?: number;
  };
  options: Record<string, unknown>;
  baselines: { documents?: BaselineFigure; postgres?: BaselineFigure };
  scenarios: Record<string, ScenarioResult>;
  /** Anything a reader must know about the run (e.g. other load on the machine). */
  note?: string;
  /** What each tuning change bought, measured or as observed. */
  tuning: { change: string; effect: string }[];
}

export interface ScenarioResult {
  /** Why the scenario did not run (a part of the platform it needs has not landed yet). */
  skipped?: string;
  /** Headline figures: name → value (with the unit in the name). */
  figures?: Record<string, number>;
  /** The baseline a figure is a ratio of: figure name → baseline name. */
  ratios?: Record<string, keyof BenchResult['baselines']>;
  latencies?: Record<string, LatencySummary>;
  processes?: Record<string, GroupFigures>;
  errors?: string[];
}

export function machine(): BenchResult['machine'] {
  const cpuModel =
    /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? '?';
  return {
    nproc: os.availableParallelism(),
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    cpuModel,
    node: process.version,
    kernel: os.release(),
    loadAtStart: Math.round((os.loadavg()[0] ?? 0) * 100) / 100,
  };
}

export const resultsDir = path.join(repoRoot, 'bench-results');

/**
 * A partial run (`--only`) keeps the latest run's other figures: its baselines and scenarios
 * are carried over unless this run measured them again. Each is marked with its own date.
 */
export function mergeWithLatest(r: BenchResult): BenchResult {
  const file = path.join(resultsDir, 'latest.json');
  if (!existsSync(file)) return r;
  const old = JSON.parse(readFileSync(file, 'utf8')) as BenchResult;
  if (old.machine.cpuModel !== r.machine.cpuModel || old.machine.nproc !== r.machine.nproc) return r;
  const tuning = [...r.tuning, ...old.tuning.filter((t) => !r.tuning.some((n) => n.change === t.change))];
  return {
    ...r,
    baselines: { ...old.baselines, ...r.baselines },
    scenarios: { ...old.scenarios, ...r.scenarios },
    tuning,
    // Only the run the kept figures came from, not the runs before it.
    options: { ...r.options, earlier: { date: old.date, ...old.options, earlier: undefined } },
  };
}

export const keptMarker = '<!-- Below: measured by other scripts, kept by npm run bench. -->';

export function writeResult(r: BenchResult): { json: string; markdown: string } {
  mkdirSync(resultsDir, { recursive: true });
  const json = path.join(resultsDir, `bench-${r.date.replaceAll(':', '-')}.json`);
  writeFileSync(json, `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(path.join(resultsDir, 'latest.json'), `${JSON.stringify(r, null, 2)}\n`);
  const markdown = path.join(repoRoot, 'docs/benchmarks.md');
  // Sections measured by other scripts (the portal's page speed) follow this line and are kept.
  const old = existsSync(markdown) ? readFileSync(markdown, 'utf8') : '';
  const kept = old.includes(keptMarker) ? old.slice(old.indexOf(keptMarker)) : '';
  writeFileSync(markdown, kept ? `${renderMarkdown(r).trimEnd()}\n\n${kept}` : renderMarkdown(r));
  return { json, markdown };
}

const fmt = (x: number | undefined) => (x === undefined ? '—' : String(x));

export function renderMarkdown(r: BenchResult): string {
  const m = r.machine;
  const out: string[] = [];
  out.push('# Benchmarks');
  out.push('');
  out.push('Written by `npm run bench` (infra/src/bench/) from its JSON result; rerun it to refresh this page.');
  out.push('Figures are from one run on one machine: compare runs on the same machine only.');
  out.push('');
  out.push('```sh');
  out.push('npm run bench                                   # every scenario (10,000 waiting: ~40 min on 2 cores)');
  out.push('npm run bench -- --n 100 --concurrency 16       # more registrations end to end');
  out.push('npm run bench -- --only baselines,e2e --n 10    # some scenarios only (--help lists them)');
  out.push('npm run bench -- --waiting 1000 --rows 200000   # smaller waiting and list scenarios');
  out.push('```');
  out.push('');
  out.push(
    'The run uses its own database (`copyreg_bench`), bucket (`copyreg-bench`), Temporal namespace (`copyreg-bench`) and ports (3401 and up) on the running stack, and starts its own service and worker processes; the waiting and pragmas scenarios run on a private Temporal server (port 7293, a fresh SQLite file each, deleted afterwards); the cluster scenario on a private cluster stack made from nothing and removed afterwards (Postgres 5478, the Temporal cluster on 7278 with mutual TLS, MinIO 9090, two replicas of each API behind HAProxy on 3601 and up); the JSON result is in `bench-results/` (gitignored). Faults (worker kill -9, Temporal restart, MinIO down 30 s, Postgres restart, ten copies of every payment notification) and OpenAPI fuzzing are tests, not figures: `infra/test/faults.test.ts` and `infra/test/fuzz.test.ts`, run by `npm test`.',
  );
  out.push('');
  out.push('| machine | |');
  out.push('| --- | --- |');
  out.push(`| date | ${r.date} |`);
  out.push(`| CPU | ${m.cpuModel}, ${m.nproc} cores (nproc) |`);
  out.push(`| memory | ${m.memoryGb} GiB |`);
  out.push(`| Node.js / kernel | ${m.node} / ${m.kernel} |`);
  if (m.loadAtStart !== undefined) out.push(`| load average at start (1 min) | ${m.loadAtStart} |`);
  out.push(
    `| options | \`${JSON.stringify(r.options)}\` (each scenario's table states its own counts; \`earlier\`: the run whose figures a partial run kept) |`,
  );
  if (r.note) out.push('', `Note: ${r.note}`);
  out.push('');
  out.push('## Baselines: the unavoidable work alone');
  out.push('');
  out.push('| baseline | registrations | seconds | per second | note |');
  out.push('| --- | ---: | ---: | ---: | --- |');
  for (const [name, b] of Object.entries(r.baselines)) {
    if (!b) continue;
    out.push(`| ${name} | ${b.registrations} | ${b.seconds} | ${b.perSecond} | ${b.note ?? ''} |`);
  }
  out.push('');
  out.push(
    '`documents`: per registration, the application form rendered and signed by its two signers, and the certificate rendered and signed by the office, in one process. `postgres`: the rows one registration leaves behind, one transaction each, without orchestration.',
  );
  const phases = r.baselines.documents?.cpuMs;
  if (phases) {
    out.push('');
    out.push('Documents, milliseconds of CPU per registration (`process.cpuUsage`, after 3 warm-up registrations):');
    out.push('');
    out.push(`| ${Object.keys(phases).join(' | ')} |`);
    out.push(
      `| ${Object.keys(phases)
        .map(() => '---:')
        .join(' | ')} |`,
    );
    out.push(`| ${Object.values(phases).join(' | ')} |`);
  }
  for (const [name, s] of Object.entries(r.scenarios)) {
    out.push('');
    out.push(`## ${name}`);
    out.push('');
    if (s.skipped) {
      out.push(`Not run: ${s.skipped}`);
      continue;
    }
    out.push('| figure | value | baseline | ratio |');
    out.push('| --- | ---: | ---: | ---: |');
    for (const [figure, value] of Object.entries(s.figures ?? {})) {
      const baselineName = s.ratios?.[figure];
      const base = baselineName ? r.baselines[baselineName]?.perSecond : undefined;
      const ratio = base ? `${Math.round((value / base) * 1000) / 10} % of ${baselineName}` : '';
      out.push(`| ${figure} | ${value} | ${fmt(base)} | ${ratio} |`);
    }
    if (s.latencies && Object.keys(s.latencies).length) {
      out.push('');
      out.push('| call | count | p50 ms | p95 ms | p99 ms | max ms |');
      out.push('| --- | ---: | ---: | ---: | ---: | ---: |');
      for (const [call, l] of Object.entries(s.latencies))
        out.push(`| ${call} | ${l.count} | ${l.p50} | ${l.p95} | ${l.p99} | ${l.max} |`);
    }
    if (s.processes && Object.keys(s.processes).length) {
      out.push('');
      out.push('| process | CPU avg % | CPU peak % | CPU s | RSS peak MiB | RSS end MiB |');
      out.push('| --- | ---: | ---: | ---: | ---: | ---: |');
      for (const [p, g] of Object.entries(s.processes))
        out.push(`| ${p} | ${g.cpuAvgPct} | ${g.cpuPeakPct} | ${g.cpuSeconds} | ${g.rssPeakMb} | ${g.rssEndMb} |`);
    }
    if (s.errors?.length) {
      out.push('');
      out.push(
        `Errors (${s.errors.length}, first 5): ${s.errors
          .slice(0, 5)
          .map((e) => `\`${e}\``)
          .join('; ')}`,
      );
    }
  }
  if (r.tuning.length) {
    out.push('');
    out.push('## Tuning: what each change bought');
    out.push('');
    out.push('| change | effect |');
    out.push('| --- | --- |');
    for (const t of r.tuning) out.push(`| ${t.change} | ${t.effect} |`);
  }
  out.push('');
  return out.join('\n');
}
