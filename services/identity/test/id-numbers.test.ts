import { idNumberIssue, idNumberProblem, residentIdCheckChar, usccCheckChar } from '@copyreg/proto';
import { describe, expect, it } from 'vitest';

const rid = (first17: string) => first17 + residentIdCheckChar(first17);

describe('ID number rules (证件号)', () => {
  it('accepts a resident ID with the right check character, including X, and Hong Kong residence permits (81)', () => {
    expect(idNumberProblem('resident_id', '11010519491231002X')).toBeUndefined();
    expect(idNumberProblem('resident_id', rid('81000019900101001'))).toBeUndefined();
  });
  it('refuses a wrong check character, an impossible or future birth date, a lowercase x', () => {
    expect(idNumberProblem('resident_id', '110105194912310021')).toMatch(/校验位/);
    expect(idNumberProblem('resident_id', rid('11010519900230002'))).toMatch(/出生日期不存在/);
    expect(idNumberProblem('resident_id', rid('11010520990101002'))).toMatch(/晚于今天/);
    expect(idNumberProblem('resident_id', '11010519491231002x')).toMatch(/大写/);
    expect(idNumberProblem('resident_id', '1101051949123100')).toMatch(/18位/);
  });
  it('refuses leading, trailing and inner spaces with a message that says so', () => {
    expect(idNumberProblem('resident_id', ' 11010519491231002X')).toMatch(/前后不能有空格/);
    expect(idNumberProblem('resident_id', '11010519491231002X ')).toMatch(/前后不能有空格/);
    expect(idNumberProblem('uscc', '91330106MA27 XY01BX')).toMatch(/中间不能有空格/);
  });
  it("accepts a birth date from 1800 on, as the standard's own example 440524188001010014 (1880-01-01)", () => {
    expect(idNumberProblem('resident_id', '440524188001010014')).toBeUndefined();
    expect(idNumberProblem('resident_id', rid('11010518000101002'))).toBeUndefined();
    expect(idNumberProblem('resident_id', rid('11010517991231002'))).toMatch(/1800/);
    const today = new Date('2026-11-30T00:00:00Z');
    expect(idNumberProblem('resident_id', rid('11010520261130002'), today)).toBeUndefined();
    expect(idNumberProblem('resident_id', rid('11010520261201002'), today)).toMatch(/晚于今天/);
  });
  it.each([
    ['resident_id', '３３０１０６19900307123X', '第1位是全角字符"３"，请改用半角数字'],
    ['resident_id', '11010519491231002Ｘ', '第18位是全角字符"Ｘ"，请改用半角字母'],
    ['resident_id', '1101\u200b0519491231002X', '第5位是看不见的零宽空格（U+200B），请删除'],
    ['resident_id', '11010519491231002X\u00a0', '第19位是看不见的不换行空格（U+00A0），请删除'],
    ['resident_id', '110105一949123100２X', '第7位是不允许的字符"一"'],
    ['uscc', '９1350100M000100Y43', '第1位是全角字符"９"，请改用半角数字'],
    ['uscc', '91350100Ｍ000100Y43', '第9位是全角字符"Ｍ"，请改用半角字母'],
    ['uscc', '\ufeff91350100M000100Y43', '第1位是看不见的字节顺序标记（U+FEFF），请删除'],
    ['other_org', 'ABC－123', '第4位是全角字符"－"，请改用半角字符'],
  ] as const)('names a full-width, invisible or unexpected character in a %s: %s', (type, id, message) => {
    expect(idNumberProblem(type, id)).toContain(message);
  });
  it('says each problem in English too', () => {
    expect(idNumberIssue('resident_id', '1101\u200b0519491231002X')).toEqual({
      zh: '证件号第5位是看不见的零宽空格（U+200B），请删除',
      en: 'The 5th character of the ID number is an invisible zero-width space (U+200B): delete it.',
    });
    expect(idNumberIssue('uscc', '91350100M000100Y44')?.en).toMatch(/check character/);
    expect(idNumberIssue('resident_id', '440524188001010014')).toBeUndefined();
  });
  it('checks the unified social credit code (GB 32100)', () => {
    expect(idNumberProblem('uscc', '91350100M000100Y43')).toBeUndefined(); // a published code
    const code = `91330106MA27XY01B${usccCheckChar('91330106MA27XY01B')}`;
    expect(idNumberProblem('uscc', code)).toBeUndefined();
    expect(idNumberProblem('uscc', '91350100M000100Y44')).toMatch(/校验位/);
    expect(idNumberProblem('uscc', '91350100M000100Z43')).toMatch(/不允许的字符/);
  });
  it('checks other documents by format', () => {
    expect(idNumberProblem('passport', 'E12345678')).toBeUndefined();
    expect(idNumberProblem('passport', 'e1')).toMatch(/护照/);
    expect(idNumberProblem('hk_macao_pass', 'H12345678')).toBeUndefined();
    expect(idNumberProblem('hk_macao_pass', 'X12345678')).toMatch(/港澳/);
    expect(idNumberProblem('taiwan_pass', '12345678')).toBeUndefined();
    expect(idNumberProblem('foreign_permanent_resident', 'USA123456789012')).toBeUndefined();
    expect(idNumberProblem('other_org', 'ABC-123')).toBeUndefined();
  });
});
