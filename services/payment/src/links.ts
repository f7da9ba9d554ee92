import { config } from '@copyreg/kit';

/**
 * Portal addresses put into mail and QR codes, matching the portal's routes
 * (services/portal/web/src/routes.tsx); built in one place so they change in one place.
 */
const base = () => config().PUBLIC_URL.replace(/\/$/, '');

export const links = {
  /** 签章链接: one per signer; only the current signer's works. */
  signing: (filingId: string, signerId: string) => `${base()}/sign/${filingId}/${signerId}`,
  payment: (filingId: string) => `${base()}/filings/${filingId}/pay`,
  filing: (filingId: string) => `${base()}/filings/${filingId}`,
  review: (filingId: string, stage: 'initial' | 'final') => `${base()}/staff/review/${stage}/${filingId}`,
};
