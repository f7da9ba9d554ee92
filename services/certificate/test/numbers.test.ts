import { randomUUID } from 'node:crypto';
import { createDb } from '@copyreg/kit';
import { afterAll, describe, expect, it } from 'vitest';
import { allocateRegistrationNumber } from '../src/numbers';

describe('registration numbers 浙作登字-YYYY-X-NNNNNNNN', () => {
  const db = createDb(undefined, { min: 0, max: 20 });
  afterAll(() => db.destroy());
  // A year no other test uses, fresh for each run, so the sequence starts at 1.
  const year = 3000 + Math.floor(Math.random() * 6000);

  it('issues 1,000 concurrently with no duplicate and no gap, and a retry gets the same number', async () => {
    const filings = Array.from({ length: 1000 }, () => randomUUID());
    const numbers = await Promise.all(
      filings.map((filingId) => allocateRegistrationNumber(db, { filingId, workType: 'photography', year })),
    );
    expect(new Set(numbers).size).toBe(1000);
    const seqs = numbers.map((n) => {
      const m = n.match(/^浙作登字-(\d{4})-G-(\d{8})$/);
      expect(m?.[1]).toBe(String(year));
      return Number(m?.[2]);
    });
    expect(seqs.sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));

    // Retries, even concurrent ones, give each filing its own number again and take no new one.
    const again = await Promise.all(
      filings
        .slice(0, 50)
        .flatMap((filingId) =>
          [1, 2].map(() => allocateRegistrationNumber(db, { filingId, workType: 'photography', year })),
        ),
    );
    expect(again).toEqual(numbers.slice(0, 50).flatMap((n) => [n, n]));
    const next = await allocateRegistrationNumber(db, { filingId: randomUUID(), workType: 'photography', year });
    expect(next).toBe(`浙作登字-${year}-G-00001001`);
  });

  it('keeps a separate sequence per category and per year', async () => {
    const fineArt = await allocateRegistrationNumber(db, { filingId: randomUUID(), workType: 'fine_art', year });
    const written = await allocateRegistrationNumber(db, {
      filingId: randomUUID(),
      workType: 'written',
      year: year + 1,
    });
    expect(fineArt).toBe(`浙作登字-${year}-F-00000001`);
    expect(written).toBe(`浙作登字-${year + 1}-A-00000001`);
  });
});
