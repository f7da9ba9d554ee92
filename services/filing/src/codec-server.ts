import { type CodecAuditEntry, registerCodecRoutes } from '@copyreg/kit';
import { permissions } from '@copyreg/proto';
import { audit } from './audit';
import type { FilingDeps } from './deps';

/**
 * The codec server for the Temporal Web UI (kit's codec-server.ts), served by the filing service
 * at /api/filing/codec (through the portal: PUBLIC_URL/api/filing/codec), for ops staff only;
 * every decode and encode appended to filing.audit_log, on the filing when the payloads name one.
 */
export function registerCodecServer(api: Parameters<typeof registerCodecRoutes>[0], deps: FilingDeps) {
  registerCodecRoutes(api, {
    access: permissions.readWorkflowPayloads,
    async audit(entry: CodecAuditEntry) {
      await audit(deps.db, {
        filingId: entry.filingIds.length === 1 ? (entry.filingIds[0] as string) : null,
        user: entry.user,
        action: entry.action,
        detail: {
          namespace: entry.namespace,
          payloads: entry.payloads,
          encrypted: entry.encrypted,
          keyIds: entry.keyIds,
          filingIds: entry.filingIds,
        },
        req: entry.req,
      });
    },
  });
}
