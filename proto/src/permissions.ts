import type { Role } from './common';

/**
 * Who may do what, in one table that the services and the portal both read: the staff roles for
 * each kind of access. An applicant's access to their own works, and a signer's to their own
 * signing step, is checked by ownership, not here; separation of duties (no one reviews their own
 * filing) is the workflow's.
 */
export const permissions = {
  /** Every submitted filing in full, its lists and its audit log (staff with office-wide reach). */
  readAllFilings: ['initial_reviewer', 'final_reviewer', 'finance', 'admin'],
  /** A submitted filing in full: office-wide staff, and regional staff within their region (read only). */
  readFiling: ['initial_reviewer', 'final_reviewer', 'finance', 'admin', 'regional_staff'],
  /** The review queues and decisions (初审 / 终审; each stage its own role). */
  review: ['initial_reviewer', 'final_reviewer'],
  /**
   * An applicant's identity proofs (资料完善's uploads), through a filing: reviewers for the filings
   * in their own queue and region, admins for any submitted filing. Each look is recorded.
   */
  readIdentityProofs: ['initial_reviewer', 'final_reviewer', 'admin'],
  /** Any account's identity proofs without a filing, with a stated reason (recorded). */
  readAnyIdentityProofs: ['admin'],
  /** Another applicant's signing list and certificates. */
  readSigningAndCertificates: ['initial_reviewer', 'final_reviewer', 'admin'],
  /** Offline payments, refunds and every order (缴费核对). */
  financeDesk: ['finance', 'admin'],
  /** Registration statistics and the yearly report table (统计). */
  statistics: ['initial_reviewer', 'final_reviewer', 'admin'],
  /** Accounts, categories, roles, certificates' reissue and revocation, deliveries. */
  administer: ['admin'],
  /** Ops: workflow payloads decrypted for the Temporal Web UI (the codec server; each decode audited). */
  readWorkflowPayloads: ['admin'],
  /** 撤销登记: the requests, the holders' answers and the decisions (read). */
  readRevocations: ['initial_reviewer', 'final_reviewer', 'admin'],
  /** 撤销登记: open one on the office's own motion, and decide (撤销 / 驳回). */
  decideRevocation: ['final_reviewer', 'admin'],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

/** Whether one of these roles carries the permission. */
export const holds = (roles: readonly Role[], permission: Permission): boolean =>
  permissions[permission].some((r: Role) => roles.includes(r));
