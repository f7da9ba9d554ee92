import { z } from 'zod';
import { Id, ObjectRef } from './common';

/**
 * The stack probe: a deep health check that goes through every part of the platform
 * (HTTP → Temporal → worker → Postgres and MinIO) and reports what it saw.
 */
export const ProbeInput = z.object({ probeId: Id });
export type ProbeInput = z.infer<typeof ProbeInput>;

export const ProbeResult = z
  .object({ probeId: Id, workflowId: z.string(), rowWrittenAt: z.iso.datetime(), object: ObjectRef })
  .meta({ id: 'ProbeResult' });
export type ProbeResult = z.infer<typeof ProbeResult>;

/** The activity the probe workflow runs (implemented by the worker's ops activities). */
export interface OpsActivities {
  recordProbe(input: ProbeInput): Promise<Pick<ProbeResult, 'rowWrittenAt' | 'object'>>;
}

export const probeWorkflowId = (probeId: string) => `probe-${probeId}`;
