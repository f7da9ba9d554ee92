import { createDb } from '@copyreg/kit';
import { WorkingCalendar } from '@copyreg/proto';
import { afterAll, describe, expect, it } from 'vitest';
import { addWorkingDays, indexCalendar } from '../../workflows/src/working-days';
import { createCalendarActivities } from '../src/calendar';

const db = createDb();
const { loadWorkingCalendar } = createCalendarActivities({ db, store: undefined as never, bucket: 'unused' });

afterAll(() => db.destroy());

describe('loadWorkingCalendar (ops.calendar_days)', () => {
  it('returns the seeded official calendar for the years asked, as ISO dates', async () => {
    const cal = WorkingCalendar.parse(await loadWorkingCalendar({ fromYear: 2026, toYear: 2026 }));
    expect(cal.years).toEqual([2026]);
    expect(cal.holidays).toContain('2026-10-01');
    expect(cal.holidays).not.toContain('2025-10-01');
    expect(cal.makeupWorkdays).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ]);
    expect(addWorkingDays('2026-02-13', 2, indexCalendar(cal))).toBe('2026-02-24');
  });

  it('covers 2025–2027 (2027 provisional) and takes a new year from rows, without a deploy', async () => {
    const all = await loadWorkingCalendar({ fromYear: 2025, toYear: 2028 });
    expect(all.years).toEqual([2025, 2026, 2027]);
    expect(await db('ops.calendar_years').where({ year: 2027 }).first('status')).toEqual({ status: 'provisional' });
    await db
      .transaction(async (trx) => {
        await trx('ops.calendar_years').insert({ year: 2099, status: 'official', source: 'test' });
        await trx('ops.calendar_days').insert([
          { day: '2099-01-01', kind: 'holiday', year: 2099 },
          { day: '2099-01-03', kind: 'makeup_workday', year: 2099 },
        ]);
        const { loadWorkingCalendar: load } = createCalendarActivities({
          db: trx,
          store: undefined as never,
          bucket: '',
        });
        const y2099 = await load({ fromYear: 2099, toYear: 2099 });
        expect(y2099).toEqual({ holidays: ['2099-01-01'], makeupWorkdays: ['2099-01-03'], years: [2099] });
        await trx.rollback();
      })
      .catch((e: unknown) => {
        if (e !== undefined) throw e; // knex rejects a rolled-back transaction with undefined
      });
  });
});
