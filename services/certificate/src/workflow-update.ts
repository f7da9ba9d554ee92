import { ApiError, logger, temporalClient } from '@copyreg/kit';
import {
  type DeliveryUpdate,
  ErrorCode,
  type RegistrationState,
  recordDeliveryUpdate,
  registrationWorkflowId,
} from '@copyreg/proto';
import {
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ApplicationFailure, type UpdateDefinition } from '@temporalio/common';

/** How long an HTTP request waits for the workflow: with no worker polling, an update would retry forever. */
export const UPDATE_DEADLINE_MS = Number(process.env.WORKFLOW_UPDATE_DEADLINE_MS ?? 15_000);

/**
 * Sends an update to a registration's workflow and turns a refusal into the HTTP error: the
 * workflow's validators refuse with an ApplicationFailure whose type is an ErrorCode.
 */
export async function updateRegistration<Ret, Arg>(
  filingId: string,
  def: UpdateDefinition<Ret, [Arg]>,
  arg: Arg,
  updateId?: string,
): Promise<Ret> {
  const client = await temporalClient();
  const handle = client.workflow.getHandle(registrationWorkflowId(filingId));
  try {
    return await client.withDeadline(Date.now() + UPDATE_DEADLINE_MS, () =>
      handle.executeUpdate(def, { args: [arg] as [Arg], ...(updateId ? { updateId } : {}) }),
    );
  } catch (err) {
    throw refusalToApiError(err);
  }
}

/** The workflow's own words for a delivery it will not take (before the certificate, or another one). */
export const deliveryRefused = () => new ApiError('INVALID_STATE', '证书尚未制作完成或已寄送/领取');

/**
 * Records the paper certificate's delivery in the workflow and answers its state. The same delivery
 * again is a no-op success in the workflow; but a delivered registration's workflow has ended, so a
 * retry usually finds it closed: then its result (the final state) answers, and the caller compares
 * the delivery there with its own.
 */
export async function recordDelivery(filingId: string, u: DeliveryUpdate): Promise<RegistrationState> {
  try {
    return await updateRegistration(filingId, recordDeliveryUpdate, u);
  } catch (err) {
    const handle = (await temporalClient()).workflow.getHandle(registrationWorkflowId(filingId));
    const completed = await handle.describe().then(
      (d) => d.status.name === 'COMPLETED',
      () => false,
    );
    if (completed) return (await handle.result()) as RegistrationState;
    throw err;
  }
}

export function refusalToApiError(err: unknown): Error {
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause;
    if (cause instanceof ApplicationFailure) {
      const code = ErrorCode.safeParse(cause.type);
      return new ApiError(code.success ? code.data : 'INVALID_STATE', cause.message || '当前状态不能进行此操作');
    }
    return new ApiError('INVALID_STATE', cause?.message || '当前状态不能进行此操作');
  }
  if (err instanceof WorkflowNotFoundError) return new ApiError('NOT_FOUND', '未找到该作品的登记流程');
  if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isDeadline(err)) {
    return new ApiError('UPSTREAM_UNAVAILABLE', '登记流程暂时无响应，请稍后重试');
  }
  logger.error({ err }, 'workflow update failed');
  return err instanceof Error ? err : new Error(String(err));
}

const isDeadline = (err: unknown) =>
  /deadline|DEADLINE_EXCEEDED|timed out/i.test(String((err as Error)?.message ?? err));
