import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { allText, personalDataIn } from './personal-data-scan';

describe('the personal-data scan of workflow histories', () => {
  it('finds each kind of personal data, in a payload as the history carries it', () => {
    const payload = new TextEncoder().encode(
      JSON.stringify({ note: '张三丰 330106199001011237 13800000000 浙江省杭州市西湖区文三路100号' }),
    );
    const text = allText({ events: [{ input: { payloads: [{ data: payload }] } }] });
    expect(personalDataIn(text, ['张三丰']).sort()).toEqual(
      [
        'known: 张三丰',
        'resident ID number: 330106199001011237',
        'mobile number: 13800000000',
        'address: 浙江省杭州市西湖区文三路100号',
      ].sort(),
    );
  });

  it('does not take identifiers, hashes, times or registration numbers for personal data', () => {
    const hashes = Array.from({ length: 2000 }, (_, i) => createHash('sha256').update(String(i)).digest('hex'));
    const text = [
      ...hashes,
      randomUUID(),
      '浙作登字-2026-A-00000001',
      new Date().toISOString(),
      String(Date.now()),
      '15000',
      'forms/6f1c/r1-s0.pdf',
      '330106', // a region code
      '330106199013011237', // no 13th month: not an ID number
    ].join('\n');
    expect(personalDataIn(text)).toEqual([]);
  });
});
