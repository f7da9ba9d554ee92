import {
  config,
  createDb,
  createObjectStore,
  logger,
  temporalConnectionOptions,
  temporalDataConverter,
  workerTracing,
} from '@copyreg/kit';
import { TaskQueue } from '@copyreg/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { createCertificateActivities } from './certificate';
import type { ActivityDeps } from './index';
import { createSignatureActivities } from './signature';
import { createTransitionActivities } from './transitions';
import { installRuntime } from './worker';

/**
 * The documents worker: the CPU-heavy activities (rendering and signing PDFs) on their own task
 * queue, so they never hold up the registration worker's workflow tasks. Run more of these
 * processes to render and sign more documents at once; each parses the CJK font once. A document
 * step and the transition it leads to are one activity (render + open the round, sign + next turn,
 * certificate + 已发证): see transitions.ts.
 */
export function createDocumentActivities(deps: ActivityDeps) {
  const certificate = createCertificateActivities(deps);
  const signature = createSignatureActivities(deps);
  const transitions = createTransitionActivities(deps);
  return {
    renderApplicationForm: certificate.renderApplicationForm,
    issueCertificate: certificate.issueCertificate,
    applySignature: signature.applySignature,
    renderAndOpenRound: transitions.renderAndOpenRound,
    signAndCommit: transitions.signAndCommit,
    certifyAndCommit: transitions.certifyAndCommit,
  };
}

export interface DocumentsWorkerOptions {
  connection?: NativeConnection;
  taskQueue?: string;
  deps?: ActivityDeps;
  /** Default DOCUMENTS_ACTIVITY_SLOTS: pdf-lib and signing are synchronous, so more only queue on the event loop. */
  maxConcurrentActivityTaskExecutions?: number;
}

export async function createDocumentsWorker(opts: DocumentsWorkerOptions = {}): Promise<Worker> {
  installRuntime();
  const c = config();
  const connection = opts.connection ?? (await NativeConnection.connect(temporalConnectionOptions()));
  const deps = opts.deps ?? { db: createDb(), store: createObjectStore(), bucket: c.S3_BUCKET };
  return Worker.create({
    connection,
    namespace: c.TEMPORAL_NAMESPACE,
    taskQueue: opts.taskQueue ?? TaskQueue.documents,
    activities: createDocumentActivities(deps),
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentActivityTaskExecutions ?? c.DOCUMENTS_ACTIVITY_SLOTS,
    // Traces: the activities' spans join the workflow's trace (kit tracing.ts).
    interceptors: (await workerTracing('documents-worker')).interceptors,
    // Payloads encrypted like every client's (kit codec.ts).
    dataConverter: temporalDataConverter(),
  });
}

async function main() {
  const worker = await createDocumentsWorker();
  logger.info({ taskQueue: TaskQueue.documents }, 'documents worker started');
  await worker.run();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    logger.error({ err }, 'documents worker failed');
    process.exit(1);
  });
}
