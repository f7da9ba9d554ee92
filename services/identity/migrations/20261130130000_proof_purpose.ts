import type { Knex } from 'knex';

/**
 * What a proof is for: 身份证明 (identity, every proof so far), or 在浙工作/学习/居住证明
 * (residence), which a person or organisation whose ID document was issued outside Zhejiang
 * uploads before submitting a work (Art. 7, the manual's 资料完善 note).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    "alter table identity.proofs add column if not exists purpose varchar(20) not null default 'identity'",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('alter table identity.proofs drop column if exists purpose');
}
