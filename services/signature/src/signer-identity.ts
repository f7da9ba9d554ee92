import { loadIdentity } from '@copyreg/identity';
import type { IdType } from '@copyreg/proto';
import type { Knex } from 'knex';

/**
 * The logged-in user's ID type and number, as the identity service knows them (the document the
 * login provider verified, else the profile's). The one place the signature service asks.
 */
export async function idDocumentOf(
  db: Knex,
  userId: string,
): Promise<{ idType: IdType; idNumber: string } | undefined> {
  const identity = await loadIdentity(db, userId);
  if (!identity?.idType || !identity.idNumber) return undefined;
  return { idType: identity.idType, idNumber: identity.idNumber };
}
