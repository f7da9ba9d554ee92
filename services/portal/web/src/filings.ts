import { get } from './api';
import type { FilingContent, FilingStatus, RegistrationState } from './proto';

/**
 * The filing as the filing service returns it to its applicant. Until the filing service
 * publishes its HTTP schemas in proto/src/filing.ts, this is the shape the portal reads.
 */
export interface Filing {
  filingId: string;
  serialNo?: string;
  status: FilingStatus;
  content: Partial<FilingContent>;
  versionNo?: number;
  remark?: string;
  createdAt?: string;
  submittedAt?: string;
  updatedAt?: string;
  registrationNumber?: string;
  reviewDeadline?: string;
  state?: RegistrationState;
}

export const loadFiling = (filingId: string) => get<Filing>(`/api/filing/filings/${filingId}`);
