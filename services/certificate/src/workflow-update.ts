import { ApiError, RegistrationClient } from '@copyreg/kit';
import { type DeliveryUpdate, type RegistrationState, recordDeliveryUpdate } from '@copyreg/proto';

const registration = new RegistrationClient();

/** The workflow's own words for a delivery it will not take (before the certificate, or another one). */
export const deliveryRefused = () => new ApiError('INVALID_STATE', '证书尚未制作完成或已寄送/领取');

/**
 * Records the paper certificate's delivery in the workflow and answers its state. The same delivery
 * again is a no-op success in the workflow; but a delivered registration's workflow has ended, so a
 * retry usually finds it closed: then its result (the final state) answers, and the caller compares
 * the delivery there with its own.
 */
export async function recordDelivery(
  filingId: string,
  u: DeliveryUpdate,
  updateId: string,
): Promise<RegistrationState> {
  try {
    return await registration.update(filingId, recordDeliveryUpdate, u, {
      updateId,
      notFound: () => new ApiError('NOT_FOUND', '未找到该作品的登记流程'),
    });
  } catch (err) {
    const result = await registration.completedResult<RegistrationState>(filingId).catch(() => undefined);
    if (result) return result;
    throw err;
  }
}
