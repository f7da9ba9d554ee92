import { randomUUID } from 'node:crypto';
import { type Api, temporalClient } from '@copyreg/kit';
import { ProbeResult, probeWorkflowId, TaskQueue } from '@copyreg/proto';

/** The deep health check for ops: HTTP → Temporal → worker → Postgres and MinIO, end to end. */
export function registerOpsRoutes(api: Api) {
  api.route({
    method: 'post',
    path: '/ops/probe',
    summary: 'Run the stack probe workflow and report what it wrote (运维自检)',
    tags: ['ops'],
    access: ['admin'],
    response: ProbeResult,
    async handler() {
      const client = await temporalClient();
      const probeId = randomUUID();
      return client.workflow.execute('probeWorkflow', {
        taskQueue: TaskQueue.registration,
        workflowId: probeWorkflowId(probeId),
        args: [{ probeId }],
        workflowExecutionTimeout: '1 minute',
      });
    },
  });
}
