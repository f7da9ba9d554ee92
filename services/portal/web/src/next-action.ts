import { tk } from './i18n';
import type { FilingStatus } from './proto';

/**
 * 我的办件: what the applicant does next with a work in this status. `sign` opens the signing list
 * (which submits the work once every signature is in); `to` is the page to go to.
 */
export type NextAction = { label: string; to?: string; sign?: true; primary: boolean };

export function nextAction(filingId: string, status: FilingStatus): NextAction {
  const page = (label: string, to: string, primary = true) => ({ label, to, primary });
  switch (status) {
    case 'draft':
      return page(tk('继续填报'), `/filings/${filingId}/edit`);
    case 'returned':
      return page(tk('修改后重新提交'), `/filings/${filingId}/edit`);
    case 'awaiting_signatures':
      return { label: tk('去签章'), sign: true, primary: true };
    case 'awaiting_submission':
      return { label: tk('去提交'), sign: true, primary: true };
    case 'awaiting_payment':
      return page(tk('去缴费'), `/filings/${filingId}/pay`);
    case 'payment_verifying':
      return page(tk('查看缴费'), `/filings/${filingId}/pay`, false);
    case 'certified':
    case 'delivered':
      return page(tk('查看证书'), `/filings/${filingId}`);
    default:
      // Under review, or closed: nothing to do but follow it.
      return page(tk('查看进度'), `/filings/${filingId}`, false);
  }
}
