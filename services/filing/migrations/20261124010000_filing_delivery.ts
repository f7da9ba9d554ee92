import type { Knex } from 'knex';

/**
 * 纸质证书发放 in the read model: the workflow publishes the delivery the admin recorded (mailed
 * with its waybill, or picked up) with its status, so the FilingView no longer reads the
 * certificate service's table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.withSchema('filing').alterTable('filings', (t) => {
    t.string('delivery_kind', 20); // mailed | picked_up
    t.string('delivery_waybill_no', 20);
    t.timestamp('delivery_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.withSchema('filing').alterTable('filings', (t) => {
    t.dropColumns('delivery_kind', 'delivery_waybill_no', 'delivery_at');
  });
}
