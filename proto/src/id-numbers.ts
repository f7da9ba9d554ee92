/**
 * ID number rules (证件号). The manual warns that a wrong or space-padded number makes e-signing
 * fail ("您不是本份文件的签署者"), so numbers are checked strictly when they are entered.
 * Pure functions: the profile, the filing form's holders and writer, and the signature service
 * all use the same rules.
 */

export type IdTypeName =
  | 'resident_id'
  | 'passport'
  | 'hk_macao_pass'
  | 'taiwan_pass'
  | 'foreign_permanent_resident'
  | 'uscc'
  | 'other_org';

/** ID types a person holds; the others belong to organisations (法人或非法人组织). */
export const personalIdTypes: readonly IdTypeName[] = [
  'resident_id',
  'passport',
  'hk_macao_pass',
  'taiwan_pass',
  'foreign_permanent_resident',
];
export const organisationIdTypes: readonly IdTypeName[] = ['uscc', 'other_org'];

const RESIDENT_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const RESIDENT_CHECK = '10X98765432';

/** The earliest birth year accepted: the standard's own example 440524188001010014 was born in 1880. */
const EARLIEST_BIRTH_YEAR = 1800;

/** 居民身份证 (GB 11643): ISO 7064 MOD 11-2 check character and a real birth date from 1800 to today. */
export function residentIdProblem(id: string, today = new Date()): string | undefined {
  if (!/^\d{17}[\dXx]$/.test(id)) return '居民身份证号应为18位，前17位为数字，末位为数字或X';
  if (id.endsWith('x')) return '居民身份证号末位的X请使用大写字母';
  const sum = RESIDENT_WEIGHTS.reduce((s, w, i) => s + w * Number(id[i]), 0);
  if (RESIDENT_CHECK[sum % 11] !== id[17]) return '居民身份证号校验位不正确，请仔细核对';
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) {
    return '居民身份证号中的出生日期不存在，请仔细核对';
  }
  if (y < EARLIEST_BIRTH_YEAR) return `居民身份证号中的出生日期早于${EARLIEST_BIRTH_YEAR}年，请仔细核对`;
  if (birth.getTime() > today.getTime()) return '居民身份证号中的出生日期晚于今天，请仔细核对';
  return undefined;
}

/** Characters people cannot see, named so the message says what to delete. */
const INVISIBLE: Record<string, string> = {
  '\t': '制表符',
  '\n': '换行符',
  '\r': '回车符',
  '\u00a0': '不换行空格',
  '\u00ad': '软连字符',
  '\u200b': '零宽空格',
  '\u200c': '零宽非连接符',
  '\u200d': '零宽连接符',
  '\u200e': '从左至右标记',
  '\u200f': '从右至左标记',
  '\u2060': '零宽不换行符',
  '\u3000': '全角空格',
  '\ufeff': '字节顺序标记',
};

const codePoint = (c: string) => `U+${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * The first character no ID number may hold (every type uses printable half-width ASCII), named
 * with its position: a full-width digit or letter copied from a document, an invisible character
 * pasted from a web page or a spreadsheet, or anything else.
 */
export function idCharacterProblem(id: string): string | undefined {
  const chars = [...id];
  for (const [i, c] of chars.entries()) {
    const cp = c.codePointAt(0) as number;
    if (cp >= 0x21 && cp <= 0x7e) continue;
    const at = `第${i + 1}位`;
    if (cp >= 0xff01 && cp <= 0xff5e) {
      const half = String.fromCodePoint(cp - 0xfee0);
      const kind = /\d/.test(half) ? '数字' : /[A-Za-z]/.test(half) ? '字母' : '字符';
      return `证件号${at}是全角字符"${c}"，请改用半角${kind}（输入法切换到英文或半角后输入"${half}"）`;
    }
    const invisible = INVISIBLE[c];
    if (invisible) return `证件号${at}是看不见的${invisible}（${codePoint(c)}），请删除`;
    if (/[\p{Cc}\p{Cf}\p{Z}]/u.test(c)) return `证件号${at}是看不见的字符（${codePoint(c)}），请删除`;
    return `证件号${at}是不允许的字符"${c}"（${codePoint(c)}），证件号只能使用半角数字和字母`;
  }
  return undefined;
}

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** 统一社会信用代码 (GB 32100): 18 symbols of a 31-symbol alphabet, MOD 31 check symbol. */
export function usccProblem(code: string): string | undefined {
  if (code.length !== 18) return '统一社会信用代码应为18位';
  if (/[a-z]/.test(code)) return '统一社会信用代码中的字母请使用大写';
  const values = [...code].map((c) => USCC_ALPHABET.indexOf(c));
  if (values.some((v) => v < 0)) return '统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z）';
  const sum = USCC_WEIGHTS.reduce((s, w, i) => s + w * (values[i] as number), 0);
  if ((31 - (sum % 31)) % 31 !== values[17]) return '统一社会信用代码校验位不正确，请仔细核对';
  return undefined;
}

/** The check character of a resident ID's first 17 digits (used by tests and seeds). */
export function residentIdCheckChar(first17: string): string {
  const sum = RESIDENT_WEIGHTS.reduce((s, w, i) => s + w * Number(first17[i]), 0);
  return RESIDENT_CHECK[sum % 11] as string;
}

/** The check symbol of a USCC's first 17 symbols (used by tests and seeds). */
export function usccCheckChar(first17: string): string {
  const sum = USCC_WEIGHTS.reduce((s, w, i) => s + w * USCC_ALPHABET.indexOf(first17[i] as string), 0);
  return USCC_ALPHABET[(31 - (sum % 31)) % 31] as string;
}

/** What is wrong with an ID number for its type, in Chinese, or undefined when it is acceptable. */
export function idNumberProblem(idType: IdTypeName, idNumber: string, today = new Date()): string | undefined {
  if (idNumber.length === 0) return '请填写证件号';
  // Spaces and other stray characters break matching at signing time: name them.
  if (/^ | $/.test(idNumber)) return '证件号前后不能有空格（多余的空格会导致无法电子签章）';
  if (/ /.test(idNumber)) return '证件号中间不能有空格（多余的空格会导致无法电子签章）';
  const character = idCharacterProblem(idNumber);
  if (character) return character;
  switch (idType) {
    case 'resident_id':
      return residentIdProblem(idNumber, today);
    case 'uscc':
      return usccProblem(idNumber);
    case 'passport':
      return /^[A-Z0-9]{5,17}$/.test(idNumber) ? undefined : '护照号应为5至17位大写字母或数字';
    case 'hk_macao_pass':
      return /^[HM]\d{8,10}$/.test(idNumber) ? undefined : '港澳居民来往内地通行证号应为H或M开头，后接8至10位数字';
    case 'taiwan_pass':
      return /^(\d{8}|\d{10})$/.test(idNumber) ? undefined : '台湾居民来往大陆通行证号应为8位或10位数字';
    case 'foreign_permanent_resident':
      // The 2017 card: 3 letters + 12 digits; the 2023 card: 18 characters with the resident-ID check.
      if (/^[A-Z]{3}\d{12}$/.test(idNumber)) return undefined;
      if (/^9\d{16}[\dX]$/.test(idNumber) && residentIdCheckChar(idNumber) === idNumber[17]) return undefined;
      return '外国人永久居留身份证号格式不正确（3位字母加12位数字，或以9开头的18位号码）';
    case 'other_org':
      return /^[A-Z0-9-]{4,40}$/.test(idNumber) ? undefined : '证件号应为4至40位大写字母、数字或连字符';
  }
}
