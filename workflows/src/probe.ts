import type { OpsActivities, ProbeInput, ProbeResult } from '@copyreg/proto';
import { proxyActivities, workflowInfo } from '@temporalio/workflow';

const { recordProbe } = proxyActivities<OpsActivities>({
  startToCloseTimeout: '30 seconds',
  retry: { maximumAttempts: 5 },
});

/** The deep health check: one activity that touches Postgres and MinIO, run through Temporal. */
export async function probeWorkflow(input: ProbeInput): Promise<ProbeResult> {
  const written = await recordProbe(input);
  return { ...written, probeId: input.probeId, workflowId: workflowInfo().workflowId };
}
