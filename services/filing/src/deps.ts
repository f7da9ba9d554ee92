import { config, createDb, createObjectStore, temporalClient } from '@copyreg/kit';
import { type RegistrationInput, type RevocationInput, type ServiceRequestInput, TaskQueue } from '@copyreg/proto';
import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Client as ObjectStore } from 'minio';

/** What the filing service runs on; tests give their own task queue and short timings. */
export interface FilingDeps {
  db: Knex;
  store: ObjectStore;
  bucket: string;
  temporal: () => Promise<Client>;
  /** The registration task queue (a test gives each run its own). */
  taskQueue: string;
  /** How long an HTTP handler waits for the workflow to accept an update (no worker: 503). */
  updateTimeoutMs: number;
  /** What one user may upload in a rolling day (default: UPLOAD_QUOTA_MB_PER_DAY). */
  uploadQuotaBytes?: number;
  /** Extra workflow input for tests (short timings, the documents queue). */
  workflowInputExtras?: Pick<RegistrationInput, 'timing' | 'documentsTaskQueue'>;
  /** 撤销登记: timings for tests (a short answer deadline). */
  revocationTiming?: RevocationInput['timing'];
  /** 其他登记服务: timings for tests (a short review deadline). */
  serviceRequestTiming?: ServiceRequestInput['timing'];
  /** 登记公告: people's names masked or in full (default: the office setting REGISTRY_PERSON_NAMES). */
  registryPersonNames?: 'masked' | 'full';
}

let defaults: FilingDeps | undefined;
export function defaultFilingDeps(): FilingDeps {
  defaults ??= {
    db: createDb(),
    store: createObjectStore(),
    bucket: config().S3_BUCKET,
    temporal: temporalClient,
    taskQueue: TaskQueue.registration,
    updateTimeoutMs: 15_000,
  };
  return defaults;
}
