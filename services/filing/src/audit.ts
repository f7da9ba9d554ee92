import type { SessionUser } from '@copyreg/proto';
import type { Request } from 'express';
import type { Knex } from 'knex';

/** The role an action was taken in: the first staff role the caller holds, else applicant. */
export function actingRole(user: SessionUser | undefined): string {
  if (!user) return 'system';
  const staff = user.roles.find((r) => r !== 'applicant');
  return staff ?? 'applicant';
}

/** Appends to the audit log (who, role, when, what, from which address). Never updated or deleted. */
export async function audit(
  db: Knex,
  entry: {
    filingId: string | null;
    user: SessionUser | undefined;
    action: string;
    detail?: object;
    req?: Request;
    role?: string;
    /** The command that made it: a retried command appends its entry once. */
    operationId?: string;
  },
): Promise<void> {
  await db('filing.audit_log')
    .insert({
      filing_id: entry.filingId,
      actor_id: entry.user?.userId ?? null,
      actor_role: entry.role ?? actingRole(entry.user),
      action: entry.action,
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
      ip: entry.req?.ip ?? null,
      operation_id: entry.operationId ?? null,
    })
    .onConflict(['operation_id', 'action'])
    .ignore();
}

export async function auditOf(db: Knex, filingId: string) {
  const rows = await db('filing.audit_log').where({ filing_id: filingId }).orderBy('id');
  return rows.map((r) => ({
    at: new Date(r.at).toISOString(),
    actorId: r.actor_id,
    actorRole: r.actor_role,
    action: r.action,
    ...(r.detail ? { detail: r.detail } : {}),
    ...(r.ip ? { ip: r.ip } : {}),
  }));
}
