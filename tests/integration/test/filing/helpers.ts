import { randomUUID } from 'node:crypto';
import { createActivities } from '@copyreg/activities';
import { quietTiming, standInActivities, withTransitions } from '@copyreg/activities/stand-ins';
import { installRuntime, workflowBundle } from '@copyreg/activities/worker';
import type { FilingDeps } from '@copyreg/filing';
import { config, temporalConnectionOptions, temporalDataConverter } from '@copyreg/kit';
import type { RegistrationActivities } from '@copyreg/proto';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker } from '@temporalio/worker';
import { type FilingTestApp, startFiling as startFilingApp } from '../../../../services/filing/test/helpers';

// The filing service's own test helpers; this file adds what runs the real workflow.
export * from '../../../../services/filing/test/helpers';

/** The filing API of the service's tests, its registrations started with the quiet timers the worker below keeps. */
export function startFiling(over: Partial<FilingDeps> = {}) {
  const taskQueue = `filing-test-${randomUUID()}`;
  return startFilingApp({
    taskQueue,
    workflowInputExtras: { documentsTaskQueue: taskQueue, timing: quietTiming },
    ...over,
  });
}

/**
 * A registration worker on the app's task queue, not yet running: the real workflow and the filing
 * service's real read model (recordStatus, which `wrap` may wrap) around stand-ins for the other
 * services' activities.
 */
export async function createRegistrationWorker(
  on: FilingTestApp,
  wrap: (real: RegistrationActivities['recordStatus']) => RegistrationActivities['recordStatus'] = (real) => real,
  /** More activities (another workflow's), or replacements of the stand-ins. */
  extra: object = {},
): Promise<Worker> {
  installRuntime();
  const real = createActivities({ db: on.db, store: on.deps.store, bucket: on.deps.bucket });
  return Worker.create({
    connection: await NativeConnection.connect(temporalConnectionOptions()),
    namespace: config().TEMPORAL_NAMESPACE,
    dataConverter: temporalDataConverter(),
    taskQueue: on.deps.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: withTransitions({
      ...real,
      ...standInActivities(on.deps.bucket),
      recordStatus: wrap(real.recordStatus),
      ...extra,
    }),
  });
}

/**
 * The filing app with its registration worker running (`wrap` and `extra` as for
 * createRegistrationWorker); `close` stops both.
 */
export async function startFilingWithWorker(
  wrap?: (real: RegistrationActivities['recordStatus']) => RegistrationActivities['recordStatus'],
  extra: (app: FilingTestApp) => object = () => ({}),
) {
  const app = await startFiling();
  const worker = await createRegistrationWorker(app, wrap, extra(app));
  const running = worker.run();
  return {
    app,
    close: async () => {
      worker.shutdown();
      await running;
      await app.close();
    },
  };
}

/**
 * The filing app (its own Temporal client, a 10 s update deadline) and a running worker of a
 * workflow other than the registration (撤销登记, 其他登记服务) with the given activities and no
 * holidays; `close` stops both.
 */
export async function startFilingWithWorkflowWorker(
  activities: (app: FilingTestApp) => object,
  over: Partial<FilingDeps> = {},
) {
  installRuntime();
  const address = temporalConnectionOptions();
  const temporal = new Client({
    connection: await Connection.connect(address),
    namespace: config().TEMPORAL_NAMESPACE,
  });
  const app = await startFiling({ temporal: async () => temporal, updateTimeoutMs: 10_000, ...over });
  const worker = await Worker.create({
    connection: await NativeConnection.connect(address),
    namespace: config().TEMPORAL_NAMESPACE,
    taskQueue: app.deps.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      loadWorkingCalendar: async () => ({ holidays: [], makeupWorkdays: [], years: [] }),
      ...activities(app),
    },
  });
  const running = worker.run();
  return {
    app,
    temporal,
    close: async () => {
      worker.shutdown();
      await running;
      await app.close();
    },
  };
}
