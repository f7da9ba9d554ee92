import { putObject } from '@copyreg/kit';
import type { ObjectRef, OpsActivities, ProbeInput } from '@copyreg/proto';
import type { Knex } from 'knex';
import type { Client as ObjectStore } from 'minio';

export interface OpsDeps {
  db: Knex;
  store: ObjectStore;
  bucket: string;
}

/** Activities of the ops schema (the stack probe). */
export function createOpsActivities({ db, store, bucket }: OpsDeps): OpsActivities {
  return {
    /** Idempotent: the row is keyed by probe id and the object by a deterministic key. */
    async recordProbe({ probeId }: ProbeInput): Promise<{ rowWrittenAt: string; object: ObjectRef }> {
      const body = Buffer.from(JSON.stringify({ probeId }));
      const object = await putObject(store, `ops/probes/${probeId}.json`, body, 'application/json', bucket);
      await db('ops.probes')
        .insert({ probe_id: probeId, object_key: object.key, sha256: object.sha256 })
        .onConflict('probe_id')
        .ignore();
      const row = await db('ops.probes').where({ probe_id: probeId }).first('written_at');
      return { rowWrittenAt: new Date(row.written_at).toISOString(), object };
    },
  };
}
