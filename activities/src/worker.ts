import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileContractRecord, reissueCertificate, revokeCertificate } from '@copyreg/certificate';
import { createRevocationActivities, createServiceRequestActivities } from '@copyreg/filing';
import {
  config,
  createDb,
  createObjectStore,
  logger,
  temporalConnectionOptions,
  temporalDataConverter,
  temporalRuntimeTelemetry,
  workerTracing,
  workflowInterceptorModules,
} from '@copyreg/kit';
import { TaskQueue } from '@copyreg/proto';
import {
  bundleWorkflowCode,
  DefaultLogger,
  NativeConnection,
  Runtime,
  Worker,
  type WorkflowBundleWithSourceMap,
} from '@temporalio/worker';
import type { Knex } from 'knex';
import type { Client as ObjectStore } from 'minio';
import { createActivities } from './index';
import { startOutboxDispatcher } from './outbox';

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;
/**
 * The workflow code, bundled once per process and shared by every worker in it. The production
 * build (`npm run build`) puts it beside the built worker as workflow-bundle.js, which is loaded
 * as is; from the TypeScript sources there is no such file and it is bundled here (~1-2 s).
 */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  const prebuilt = new URL('./workflow-bundle.js', import.meta.url);
  bundle ??= existsSync(prebuilt)
    ? Promise.resolve(prebuiltBundle(prebuilt))
    : bundleWorkflowCode({
        workflowsPath: createRequire(import.meta.url).resolve('@copyreg/workflows'),
        logger: new DefaultLogger('WARN'),
        // OpenTelemetry's workflow interceptors (kit tracing.ts); infra/src/build.ts bundles the same.
        workflowInterceptorModules: workflowInterceptorModules(),
      });
  return bundle;
}

export function prebuiltBundle(file: URL): WorkflowBundleWithSourceMap {
  const code = readFileSync(file, 'utf8');
  logger.info({ file: file.pathname, bytes: code.length }, 'prebuilt workflow bundle loaded');
  return { code, sourceMap: '' };
}

export interface WorkerOptions {
  connection?: NativeConnection;
  taskQueue?: string;
  /** Overrides for tests: a database or bucket of their own. */
  activities?: ReturnType<typeof createActivities>;
  maxCachedWorkflows?: number;
  /** A bundle built beforehand (the benchmark's, like the production build's): no bundler in this process. */
  workflowBundle?: WorkflowBundleWithSourceMap;
}

/** 撤销登记 (workflows/src/revocation.ts): the filing service's activities and the certificate's revocation. */
export function revocationActivities(db: Knex) {
  return createRevocationActivities({ db, revokeCertificate: (input) => revokeCertificate(db, input) });
}

/** 其他登记服务 (workflows/src/service-request.ts): the filing service's activities, the certificate's editions and records. */
export function serviceRequestActivities(db: Knex, store: ObjectStore, bucket: string) {
  const certificates = { db, store, bucket };
  return createServiceRequestActivities({
    db,
    issueEdition: (filingId, by) => reissueCertificate(certificates, filingId, by),
    fileContractRecord: (input) => fileContractRecord(certificates, input),
  });
}

/** A worker for the registration task queue: the workflows and the light activities. */
export async function createRegistrationWorker(opts: WorkerOptions = {}): Promise<Worker> {
  installRuntime();
  const c = config();
  const connection = opts.connection ?? (await NativeConnection.connect(temporalConnectionOptions()));
  const activities =
    opts.activities ?? createActivities({ db: createDb(), store: createObjectStore(), bucket: c.S3_BUCKET });
  const small = createDb(c.DATABASE_URL, { min: 0, max: 2 });
  return Worker.create({
    connection,
    namespace: c.TEMPORAL_NAMESPACE,
    taskQueue: opts.taskQueue ?? TaskQueue.registration,
    workflowBundle: opts.workflowBundle ?? (await workflowBundle()),
    // 撤销登记's and 其他登记服务's beside the registration's (their own small pool: connects only when one runs).
    activities: {
      ...revocationActivities(small),
      ...serviceRequestActivities(small, createObjectStore(), c.S3_BUCKET),
      ...activities,
    },
    maxCachedWorkflows: opts.maxCachedWorkflows ?? c.WORKER_MAX_CACHED_WORKFLOWS,
    maxConcurrentWorkflowTaskExecutions: c.WORKER_WORKFLOW_TASK_SLOTS,
    maxConcurrentActivityTaskExecutions: c.WORKER_ACTIVITY_SLOTS,
    // Traces: activity interceptors and the sink for the workflow's spans (kit tracing.ts).
    ...(await workerTracing('worker')),
    // Payloads encrypted like every client's (kit codec.ts).
    dataConverter: temporalDataConverter(),
  });
}

let runtimeInstalled = false;
/** The SDK's own log at WARN; must happen before the first worker or connection of the process. */
export function installRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  try {
    Runtime.install({
      logger: new DefaultLogger(config().NODE_ENV === 'test' ? 'WARN' : 'INFO'),
      // The SDK's Prometheus metrics on TEMPORAL_METRICS_ADDRESS (kit metrics.ts).
      ...temporalRuntimeTelemetry(),
    });
  } catch {
    // Already installed by the embedding process (e.g. a test that made its own connection first).
  }
}

async function main() {
  const worker = await createRegistrationWorker();
  // The registration's mail leaves through the outbox the transitions write (outbox.ts).
  const db = createDb();
  const outbox = startOutboxDispatcher({ db, store: createObjectStore(), bucket: config().S3_BUCKET });
  logger.info({ taskQueue: TaskQueue.registration }, 'worker started');
  await worker.run();
  await outbox.stop();
  await db.destroy();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((err) => {
    logger.error({ err }, 'worker failed');
    process.exit(1);
  });
}
