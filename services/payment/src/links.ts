import { config } from '@copyreg/kit';

/**
 * Portal addresses put into mail and QR codes. The portal and signature service serve these
 * paths; they are built in one place so they change in one place.
 */
const base = () => config().PUBLIC_URL.replace(/\/$/, '');

export const links = {
  /** 签章链接: one per signer of a round; only the current signer's works. */
  signing: (filingId: string, round: number, signerIndex: number) =>
    `${base()}/signing/${filingId}/${round}/${signerIndex}`,
  payment: (filingId: string) => `${base()}/payment/${filingId}`,
  filing: (filingId: string) => `${base()}/filings/${filingId}`,
  review: (filingId: string) => `${base()}/review/${filingId}`,
};
