import { config } from '@copyreg/kit';
import type { Knex } from 'knex';
import { signatureSettings } from './settings';

/** The portal's page for a signing link (复制签章链接). */
export const signingLinkUrl = (token: string) =>
  `${config().PUBLIC_URL.replace(/\/$/, '')}${signatureSettings().SIGNING_LINK_PATH}/${token}`;

/**
 * A signer's entry of a round, for the notices (轮到签章, 签章提醒): their name, type and link.
 * The link is given only while it works: their turn, the round not voided, not expired.
 */
export async function signerTurnOf(
  db: Knex,
  input: { filingId: string; round: number; signerIndex: number },
): Promise<{ seq: number; name: string; kind: 'holder' | 'writer'; link?: string } | undefined> {
  const slot = await db('signature.slots')
    .join('signature.rounds', function () {
      this.on('signature.rounds.filing_id', 'signature.slots.filing_id').andOn(
        'signature.rounds.round',
        'signature.slots.round',
      );
    })
    .where({
      'signature.slots.filing_id': input.filingId,
      'signature.slots.round': input.round,
      'signature.slots.signer_index': input.signerIndex,
    })
    .first('signature.slots.*', 'signature.rounds.voided_at');
  if (!slot) return undefined;
  const works = slot.state === 'current' && !slot.voided_at && new Date(slot.token_expires_at) > new Date();
  return {
    seq: slot.signer_index + 1,
    name: slot.name,
    kind: slot.kind,
    ...(works ? { link: signingLinkUrl(slot.token) } : {}),
  };
}
