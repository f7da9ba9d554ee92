import type { WorkType } from '@copyreg/proto';
import type { Knex } from 'knex';
import { documentSettings } from './settings';

/**
 * Registration numbers (登记号) `浙作登字-2026-F-00000001`: region-year-category-sequence, the
 * sequence 8 digits (国版函[2016]1号), unique and gapless per year and category.
 *
 * The counter row of (year, letter) is incremented in the same transaction that inserts the
 * allocation keyed by filing: the row lock serialises concurrent issues, a rolled-back attempt
 * returns its number to the counter, and a retried activity finds its filing's number.
 */
export function formatRegistrationNumber(year: number, letter: string, seq: number): string {
  return `${documentSettings().REGISTRATION_NUMBER_PREFIX}-${year}-${letter}-${String(seq).padStart(8, '0')}`;
}

export function letterOf(workType: WorkType): string {
  return documentSettings().REGISTRATION_NUMBER_LETTERS[workType];
}

export async function allocateRegistrationNumber(
  db: Knex,
  input: { filingId: string; workType: WorkType; year: number },
): Promise<string> {
  const existing = await db('certificate.registration_numbers').where({ filing_id: input.filingId }).first('number');
  if (existing) return existing.number;
  const letter = letterOf(input.workType);
  try {
    return await db.transaction(async (trx) => {
      const [counter] = await trx('certificate.number_counters')
        .insert({ year: input.year, letter, last_seq: 1 })
        .onConflict(['year', 'letter'])
        .merge({ last_seq: trx.raw('certificate.number_counters.last_seq + 1') })
        .returning('last_seq');
      const seq = Number(counter.last_seq);
      const number = formatRegistrationNumber(input.year, letter, seq);
      // A concurrent attempt for the same filing makes this insert fail: the transaction rolls
      // back (and with it the counter), and the number that attempt took is returned below.
      await trx('certificate.registration_numbers').insert({
        filing_id: input.filingId,
        number,
        year: input.year,
        letter,
        seq,
      });
      return number;
    });
  } catch (err) {
    const again = await db('certificate.registration_numbers').where({ filing_id: input.filingId }).first('number');
    if (again) return again.number;
    throw err;
  }
}

/** The number allocated to a filing, if any. */
export async function registrationNumberOf(db: Knex, filingId: string): Promise<string | undefined> {
  const row = await db('certificate.registration_numbers').where({ filing_id: filingId }).first('number');
  return row?.number;
}
