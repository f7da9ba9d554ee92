import { ApiError, logger } from '@copyreg/kit';
import { ErrorCode, type RegistrationInput, type RegistrationState, registrationWorkflowId } from '@copyreg/proto';
import {
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { FilingDeps } from './deps';

const unavailable = () => new ApiError('UPSTREAM_UNAVAILABLE', '登记流程服务暂时无法响应，请稍后重试');

/** Races the call against the handler's deadline: an update waits forever when no worker polls. */
async function withDeadline<T>(deps: FilingDeps, fn: () => Promise<T>): Promise<T> {
  const client = await deps.temporal().catch(() => {
    throw unavailable();
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailable()), deps.updateTimeoutMs);
  });
  try {
    return await Promise.race([client.withDeadline(Date.now() + deps.updateTimeoutMs, fn), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The workflow's refusal (an ApplicationFailure whose type is an ErrorCode) becomes the HTTP error. */
function mapError(err: unknown): never {
  if (err instanceof ApiError) throw err;
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause as { type?: string; message?: string } | undefined;
    const code = ErrorCode.safeParse(cause?.type);
    if (code.success) throw new ApiError(code.data, cause?.message ?? '当前状态不能执行此操作');
    throw new ApiError('INVALID_STATE', cause?.message ?? '当前状态不能执行此操作');
  }
  if (err instanceof WorkflowNotFoundError) throw new ApiError('INVALID_STATE', '该作品的登记流程已结束或不存在');
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    logger.warn({ err: err.message }, 'workflow update timed out (no worker?)');
    throw unavailable();
  }
  const e = err as { code?: number; name?: string };
  // gRPC DEADLINE_EXCEEDED (4) / UNAVAILABLE (14): the server or a worker did not answer in time.
  if (e?.code === 4 || e?.code === 14 || e?.name === 'ServiceError') throw unavailable();
  logger.error({ err }, 'workflow call failed');
  throw unavailable();
}

/**
 * Starts the registration (提交并电子签章). The workflow id comes from the filing id and a second
 * start is refused by Temporal (REJECT_DUPLICATE / FAIL), so a double click never starts two.
 */
export async function startRegistration(deps: FilingDeps, input: RegistrationInput): Promise<'started' | 'exists'> {
  try {
    await withDeadline(deps, async () => {
      const client = await deps.temporal();
      await client.workflow.start('registrationWorkflow', {
        taskQueue: deps.taskQueue,
        workflowId: registrationWorkflowId(input.filingId),
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
      });
    });
    return 'started';
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return 'exists';
    return mapError(err);
  }
}

/** Sends an update (amend, submit, withdraw, review) and waits for its answer, within the deadline. */
export async function sendUpdate<A>(
  deps: FilingDeps,
  filingId: string,
  def: UpdateDefinition<RegistrationState, [A]>,
  arg: A,
): Promise<RegistrationState> {
  try {
    return await withDeadline(deps, async () => {
      const client = await deps.temporal();
      return client.workflow.getHandle(registrationWorkflowId(filingId)).executeUpdate(def, { args: [arg] });
    });
  } catch (err) {
    return mapError(err);
  }
}
