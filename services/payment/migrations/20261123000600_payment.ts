import type { Knex } from 'knex';

/**
 * The payment schema: fee orders (缴费订单), payment events, refunds (退费), e-invoices (电子发票),
 * mail notices (exactly once), and the development gateway's keys and trades.
 */
export async function up(knex: Knex): Promise<void> {
  // A fresh builder per table: a knex schema builder replays everything queued on it when awaited.
  const s = () => knex.schema.withSchema('payment');

  // One order per registration; the method is chosen once (付款方式选择后将无法变更).
  await s().createTable('orders', (t) => {
    t.uuid('order_id').primary();
    t.uuid('filing_id').notNullable().unique();
    t.uuid('applicant_id').notNullable();
    t.string('method', 16).notNullable();
    t.integer('amount_fen').notNullable();
    /** Our trade number at the gateway (out_trade_no); one per order. */
    t.string('out_trade_no', 64).notNullable().unique();
    t.text('qr_code');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Every payment event, once: online unique on the provider's trade number, offline one row per
  // reference the applicant entered (finance confirms or rejects it).
  await s().createTable('payments', (t) => {
    t.uuid('payment_id').primary();
    t.uuid('order_id').notNullable().references('order_id').inTable('payment.orders');
    t.uuid('filing_id').notNullable().index();
    t.string('method', 16).notNullable();
    t.string('provider', 32).notNullable(); // alipay | bank_transfer | alipay_transfer
    /** The provider's event id: Alipay's trade_no; offline: null. */
    t.string('provider_trade_no', 64);
    t.integer('amount_fen').notNullable();
    t.string('status', 16).notNullable(); // pending | confirmed | rejected
    t.string('payer_name', 100);
    t.string('reference', 100);
    t.date('paid_on');
    t.text('reject_reason');
    t.uuid('decided_by');
    t.timestamp('decided_at', { useTz: true });
    t.timestamp('confirmed_at', { useTz: true });
    /** When the workflow was told (signal or query result); a second notification does not tell it again. */
    t.timestamp('signalled_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['provider', 'provider_trade_no']);
  });
  // At most one confirmed payment per order, and one offline reference waiting for finance.
  await knex.raw(
    "create unique index payments_one_confirmed on payment.payments (order_id) where status = 'confirmed'",
  );
  await knex.raw("create unique index payments_one_pending on payment.payments (order_id) where status = 'pending'");

  // Gateway notifications as received, verified or not: the log that says why one changed nothing.
  await s().createTable('notifications', (t) => {
    t.bigIncrements('id');
    t.string('provider', 32).notNullable();
    t.string('out_trade_no', 64);
    t.string('trade_no', 64);
    t.string('notify_id', 128);
    t.string('outcome', 32).notNullable(); // applied | duplicate | bad_signature | unknown_order | ...
    t.jsonb('params').notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await s().createTable('refunds', (t) => {
    t.uuid('refund_id').primary();
    t.uuid('payment_id').notNullable().unique().references('payment_id').inTable('payment.payments');
    t.uuid('filing_id').notNullable().index();
    t.string('method', 16).notNullable();
    t.integer('amount_fen').notNullable();
    t.string('status', 16).notNullable(); // pending (finance task) | done
    t.text('note');
    t.uuid('done_by');
    t.timestamp('done_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  await s().createTable('invoices', (t) => {
    t.increments('invoice_seq');
    t.uuid('payment_id').notNullable().unique().references('payment_id').inTable('payment.payments');
    t.uuid('filing_id').notNullable().index();
    t.string('invoice_no', 32).notNullable().unique();
    t.integer('amount_fen').notNullable();
    t.string('bucket', 63);
    t.string('object_key', 255);
    t.string('sha256', 64);
    t.timestamp('issued_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Mail notices: claimed before sending, marked after, so a retried activity never sends twice.
  await s().createTable('notices', (t) => {
    t.string('notice_key', 200).primary();
    t.string('kind', 32).notNullable();
    t.uuid('filing_id').notNullable().index();
    t.text('recipient').notNullable();
    t.text('subject').notNullable();
    t.text('body').notNullable();
    /** `<noticeKey@domain>`: a copy sent again after a crash carries the same id. */
    t.string('message_id', 300).notNullable();
    t.jsonb('attachment'); // { bucket, key, filename } for the invoice
    t.integer('attempts').notNullable().defaultTo(0);
    t.timestamp('claimed_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
  });

  // The development gateway (Alipay stand-in): its key pairs and its side of each trade.
  await s().createTable('gateway_keys', (t) => {
    t.string('name', 32).primary(); // dev-alipay | dev-app
    t.text('private_pem').notNullable();
    t.text('public_pem').notNullable();
  });
  await s().createTable('dev_gateway_trades', (t) => {
    t.string('out_trade_no', 64).primary();
    t.string('trade_no', 64).notNullable().unique();
    t.string('app_id', 32).notNullable();
    t.string('total_amount', 16).notNullable();
    t.string('subject', 256).notNullable();
    t.text('notify_url');
    t.string('status', 24).notNullable(); // WAIT_BUYER_PAY | TRADE_SUCCESS | TRADE_CLOSED
    t.string('refund_amount', 16);
    t.timestamp('paid_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'dev_gateway_trades',
    'gateway_keys',
    'notices',
    'invoices',
    'refunds',
    'notifications',
    'payments',
    'orders',
  ]) {
    await knex.schema.withSchema('payment').dropTableIfExists(table);
  }
}
