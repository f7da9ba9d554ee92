import type { Knex } from 'knex';

/**
 * Signers' keys leave the database: they sign through a remote-signing provider (src/pki/csc.ts)
 * that keeps its own keys. Only the development root and office rows stay, for the `dev`
 * office key provider. Their certificates stay valid; the keys are gone for good.
 */
export async function up(knex: Knex): Promise<void> {
  await knex('certificate.signing_keys').where('subject', 'like', 'person:%').delete();
}

export async function down(): Promise<void> {
  // Nothing to restore: a deleted key is not brought back.
}
