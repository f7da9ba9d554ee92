import { ErrorCode, type RegistrationInput, registrationWorkflowId } from '@copyreg/proto';
import {
  type Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import type { QueryDefinition, SignalDefinition, UpdateDefinition } from '@temporalio/common';
import { ApiError } from './errors';
import { logger } from './log';
import { temporalClient } from './temporal';

/**
 * The one way a service talks to a registration's workflow: one deadline for every call (an
 * Update waits forever when no worker polls), and one mapping of the answers to HTTP errors:
 * - a validator's refusal (an ApplicationFailure whose type is an ErrorCode) → that code, in the
 *   workflow's own words;
 * - no such workflow → INVALID_STATE (or the caller's own words);
 * - no answer within the deadline → 503 UPSTREAM_UNAVAILABLE with Retry-After, never a 409: the
 *   command may have been applied, and a retry with the same Update id finds its first outcome.
 */
export interface RegistrationClientOptions {
  temporal?: () => Promise<Client>;
  /** How long an HTTP request waits for the workflow. */
  deadlineMs?: number;
}

export const DEFAULT_WORKFLOW_DEADLINE_MS = Number(process.env.WORKFLOW_UPDATE_DEADLINE_MS ?? 15_000);

const unavailable = () =>
  Object.assign(new ApiError('UPSTREAM_UNAVAILABLE', '登记流程暂时没有响应，请稍后重试'), { retryAfterSeconds: 2 });

/** The workflow's refusal or a failure to reach it, as the HTTP error the caller should see. */
export function workflowCallError(err: unknown, notFound?: () => ApiError): Error {
  if (err instanceof ApiError) return err;
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause as { type?: string; message?: string } | undefined;
    const code = ErrorCode.safeParse(cause?.type);
    return new ApiError(code.success ? code.data : 'INVALID_STATE', cause?.message || '当前状态不能进行此操作');
  }
  if (err instanceof WorkflowNotFoundError) {
    return notFound?.() ?? new ApiError('INVALID_STATE', '该作品的登记流程尚未开始或已经结束');
  }
  const e = err as { code?: number; name?: string; message?: string };
  // gRPC DEADLINE_EXCEEDED (4) / UNAVAILABLE (14), or the SDK's own deadline: nobody answered in time.
  if (
    err instanceof WorkflowUpdateRPCTimeoutOrCancelledError ||
    e?.code === 4 ||
    e?.code === 14 ||
    e?.name === 'ServiceError' ||
    /deadline|timed out/i.test(e?.message ?? '')
  ) {
    logger.warn({ err: e?.message }, 'registration workflow did not answer in time');
    return unavailable();
  }
  logger.error({ err }, 'registration workflow call failed');
  return unavailable();
}

export class RegistrationClient {
  readonly deadlineMs: number;
  private readonly temporal: () => Promise<Client>;

  constructor(opts: RegistrationClientOptions = {}) {
    this.temporal = opts.temporal ?? temporalClient;
    this.deadlineMs = opts.deadlineMs ?? DEFAULT_WORKFLOW_DEADLINE_MS;
  }

  /**
   * Starts a registration (提交并电子签章). The workflow id comes from the filing id and Temporal
   * refuses a second start, so a double click never starts two: 'exists' answers it.
   */
  async start(input: RegistrationInput, taskQueue: string): Promise<'started' | 'exists'> {
    try {
      await this.call(async (client) => {
        await client.workflow.start('registrationWorkflow', {
          taskQueue,
          workflowId: registrationWorkflowId(input.filingId),
          args: [input],
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          workflowIdConflictPolicy: 'FAIL',
        });
      });
      return 'started';
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return 'exists';
      throw workflowCallError(err);
    }
  }

  /**
   * Sends an Update and waits for its answer. `updateId` (from the request's idempotency key)
   * makes Temporal apply it once and give every retry the first outcome.
   */
  async update<Ret, Arg>(
    filingId: string,
    def: UpdateDefinition<Ret, [Arg]>,
    arg: Arg,
    opts: { updateId?: string; notFound?: () => ApiError } = {},
  ): Promise<Ret> {
    try {
      return await this.call((client) =>
        client.workflow
          .getHandle(registrationWorkflowId(filingId))
          .executeUpdate(def, { args: [arg], ...(opts.updateId ? { updateId: opts.updateId } : {}) }),
      );
    } catch (err) {
      throw workflowCallError(err, opts.notFound);
    }
  }

  /** Sends a signal (the caller needs no answer; the workflow deduplicates by the event's id). */
  async signal<Arg>(filingId: string, def: SignalDefinition<[Arg]>, arg: Arg): Promise<void> {
    try {
      await this.call((client) => client.workflow.getHandle(registrationWorkflowId(filingId)).signal(def, arg));
    } catch (err) {
      throw workflowCallError(err);
    }
  }

  /** Asks a query; undefined when the registration has no workflow. */
  async query<Ret>(filingId: string, def: QueryDefinition<Ret, []>): Promise<Ret | undefined> {
    try {
      return await this.call((client) => client.workflow.getHandle(registrationWorkflowId(filingId)).query(def));
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return undefined;
      throw workflowCallError(err);
    }
  }

  /** The result of a registration whose workflow has completed, or undefined while it runs. */
  async completedResult<Ret>(filingId: string): Promise<Ret | undefined> {
    const handle = (await this.temporal()).workflow.getHandle(registrationWorkflowId(filingId));
    const completed = await this.call(() => handle.describe()).then(
      (d) => d.status.name === 'COMPLETED',
      () => false,
    );
    return completed ? ((await handle.result()) as Ret) : undefined;
  }

  /** Races the call against the deadline, in the client (gRPC deadline) and here (a stuck connect). */
  private async call<T>(fn: (client: Client) => Promise<T>): Promise<T> {
    const client = await this.temporal().catch(() => {
      throw unavailable();
    });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(unavailable()), this.deadlineMs);
    });
    try {
      return await Promise.race([client.withDeadline(Date.now() + this.deadlineMs, () => fn(client)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
