import { readFileSync } from 'node:fs';
import type { Knex } from 'knex';

/**
 * The official working calendar (法定节假日与调休) as rows, so that staff add a new year (published
 * by the State Council each November) with INSERTs, without a deploy. Seeded from the JSON kept in
 * the workflows package; see docs/operations.md "Adding a year to the working calendar".
 */
interface CalendarFile {
  years: {
    year: number;
    status: 'official' | 'provisional';
    source: string;
    holidays: string[];
    makeupWorkdays: string[];
  }[];
}

export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema('ops').createTable('calendar_years', (t) => {
    t.integer('year').primary();
    // 'provisional': only the statutory days are in, the State Council has not published the year yet.
    t.text('status').notNullable().checkIn(['official', 'provisional']);
    t.text('source').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.withSchema('ops').createTable('calendar_days', (t) => {
    t.date('day').primary();
    // 'holiday' (放假) or 'makeup_workday' (调休上班, a weekend that is worked).
    t.text('kind').notNullable().checkIn(['holiday', 'makeup_workday']);
    t.integer('year').notNullable().references('year').inTable('ops.calendar_years');
  });
  const file: CalendarFile = JSON.parse(
    readFileSync(new URL('../../workflows/data/official-calendar.json', import.meta.url), 'utf8'),
  );
  for (const y of file.years) {
    await knex('ops.calendar_years').insert({ year: y.year, status: y.status, source: y.source });
    const rows = [
      ...y.holidays.map((day) => ({ day, kind: 'holiday', year: y.year })),
      ...y.makeupWorkdays.map((day) => ({ day, kind: 'makeup_workday', year: y.year })),
    ];
    if (rows.length) await knex('ops.calendar_days').insert(rows);
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema('ops').dropTable('calendar_days');
  await knex.schema.withSchema('ops').dropTable('calendar_years');
}
