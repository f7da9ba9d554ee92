import { loadIdentity } from '@copyreg/identity';
import type { IdType } from '@copyreg/proto';
import type { Knex } from 'knex';

/**
 * The logged-in user's ID type and number: only the document the login provider verified (a number
 * typed into a profile matches no signer). The one place the signature service asks; the same
 * document's digest is the signer's user id at the remote-signing provider (certificate's pki/csc.ts).
 */
export async function idDocumentOf(
  db: Knex,
  userId: string,
): Promise<{ idType: IdType; idNumber: string } | undefined> {
  const identity = await loadIdentity(db, userId);
  if (!identity?.idType || !identity.idNumber) return undefined;
  return { idType: identity.idType, idNumber: identity.idNumber };
}
