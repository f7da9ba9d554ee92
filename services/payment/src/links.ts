import { config } from '@copyreg/kit';

/**
 * Portal addresses put into mail and QR codes, matching the portal's routes
 * (services/portal/web/src/routes.tsx); built in one place so they change in one place.
 */
const base = () => config().PUBLIC_URL.replace(/\/$/, '');

export const links = {
  payment: (filingId: string) => `${base()}/filings/${filingId}/pay`,
  filing: (filingId: string) => `${base()}/filings/${filingId}`,
  review: (filingId: string, stage: 'initial' | 'final') => `${base()}/staff/review/${stage}/${filingId}`,
};
