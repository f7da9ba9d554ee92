import type { Knex } from 'knex';
import { devAccounts, devUserId } from './dev-accounts';
import { setRoles } from './profiles';

/** Creates the development accounts' users and grants their roles (development provider only). */
export async function seedDevAccounts(db: Knex, issuer: string): Promise<void> {
  for (const a of devAccounts) {
    // A login under this issuer while the account was seeded under another one made a second
    // user for the same subject: move that one aside, so the seeded account (and its roles) wins.
    await db('identity.users')
      .where({ issuer, subject: a.accountId })
      .whereNot({ id: devUserId(a.accountId) })
      .update({ subject: db.raw("subject || ':superseded:' || id::text") });
    const [row] = await db('identity.users')
      .insert({
        id: devUserId(a.accountId),
        issuer,
        subject: a.accountId,
        verified_name: a.name,
        verified_id_type: a.idType,
        verified_id_number: a.idNumber,
      })
      // Keyed by the stable id: the same account keeps its id when the issuer's address changes.
      .onConflict('id')
      .merge(['issuer', 'subject', 'verified_name', 'verified_id_type', 'verified_id_number'])
      .returning('id');
    await setRoles(db, row.id, a.roles, a.region);
  }
}
