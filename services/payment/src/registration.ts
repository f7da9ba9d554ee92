import { ApiError, logger, temporalClient } from '@copyreg/kit';
import {
  choosePaymentMethodUpdate,
  ErrorCode,
  type PaymentConfirmedSignal,
  type PaymentMethod,
  paymentConfirmedSignal,
  paymentRejectedSignal,
  type RegistrationState,
  registrationWorkflowId,
  stateQuery,
} from '@copyreg/proto';
import { type Client, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';

/**
 * How the payment service talks to a registration's workflow: it signals confirmed and rejected
 * payments (the caller needs no answer), sends the choosePaymentMethod update (the caller needs
 * the refusal), and reads the `state` query for notice details.
 */
export interface RegistrationPort {
  paymentConfirmed(filingId: string, signal: PaymentConfirmedSignal): Promise<void>;
  paymentRejected(filingId: string, signal: { paymentId: string; reason: string }): Promise<void>;
  choosePaymentMethod(filingId: string, method: PaymentMethod): Promise<RegistrationState>;
  state(filingId: string): Promise<RegistrationState | undefined>;
}

/** An update waits for a worker; the HTTP caller gets an answer within this long. */
const UPDATE_DEADLINE_MS = 10_000;
const QUERY_DEADLINE_MS = 10_000;

export function temporalRegistrationPort(clientOf: () => Promise<Client> = temporalClient): RegistrationPort {
  const handle = async (filingId: string) => (await clientOf()).workflow.getHandle(registrationWorkflowId(filingId));
  return {
    async paymentConfirmed(filingId, signal) {
      await (await handle(filingId)).signal(paymentConfirmedSignal, signal);
    },
    async paymentRejected(filingId, signal) {
      await (await handle(filingId)).signal(paymentRejectedSignal, signal);
    },
    async choosePaymentMethod(filingId, method) {
      const client = await clientOf();
      try {
        return await client.withDeadline(Date.now() + UPDATE_DEADLINE_MS, async () =>
          (await handle(filingId)).executeUpdate(choosePaymentMethodUpdate, { args: [{ method }] }),
        );
      } catch (err) {
        throw refusalToApiError(err);
      }
    },
    async state(filingId) {
      const client = await clientOf();
      try {
        return await client.withDeadline(Date.now() + QUERY_DEADLINE_MS, async () =>
          (await handle(filingId)).query(stateQuery),
        );
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    },
  };
}

/** A validator's refusal (ApplicationFailure whose type is an ErrorCode) becomes that HTTP error. */
export function refusalToApiError(err: unknown): unknown {
  if (err instanceof ApiError) return err;
  if (err instanceof WorkflowNotFoundError) return new ApiError('INVALID_STATE', '该作品尚未提交，暂不能缴费');
  if (err instanceof WorkflowUpdateFailedError) {
    const cause = err.cause as { type?: string; message?: string } | undefined;
    const code = ErrorCode.safeParse(cause?.type);
    if (code.success) return new ApiError(code.data, cause?.message || '当前状态不能执行此操作');
    return new ApiError('INVALID_STATE', cause?.message || '当前状态不能执行此操作');
  }
  const e = err as { code?: number; name?: string; message?: string };
  // gRPC DEADLINE_EXCEEDED (4) or UNAVAILABLE (14): no worker answered in time.
  if (e?.code === 4 || e?.code === 14 || /deadline/i.test(e?.message ?? '')) {
    logger.warn({ err }, 'registration workflow did not answer in time');
    return new ApiError('UPSTREAM_UNAVAILABLE', '系统繁忙，请稍后重试');
  }
  return err;
}
