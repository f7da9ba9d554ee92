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

/** A problem with an ID number, said in Chinese and in English. */
export interface IdNumberIssue {
  zh: string;
  en: string;
}
const say = (zh: string, en: string): IdNumberIssue => ({ zh, en });

/** The earliest birth year accepted: the standard's own example 440524188001010014 was born in 1880. */
const EARLIEST_BIRTH_YEAR = 1800;

/** 居民身份证 (GB 11643): ISO 7064 MOD 11-2 check character and a real birth date from 1800 to today. */
function residentIdIssue(id: string, today: Date): IdNumberIssue | undefined {
  if (!/^\d{17}[\dXx]$/.test(id)) {
    return say(
      '居民身份证号应为18位，前17位为数字，末位为数字或X',
      'A resident ID number has 18 characters: 17 digits, then a digit or X.',
    );
  }
  if (id.endsWith('x'))
    return say('居民身份证号末位的X请使用大写字母', 'Type the final X of the resident ID number in capitals.');
  const sum = RESIDENT_WEIGHTS.reduce((s, w, i) => s + w * Number(id[i]), 0);
  if (RESIDENT_CHECK[sum % 11] !== id[17]) {
    return say(
      '居民身份证号校验位不正确，请仔细核对',
      'The check character of the resident ID number is wrong: please check it.',
    );
  }
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) {
    return say(
      '居民身份证号中的出生日期不存在，请仔细核对',
      'The birth date in the resident ID number does not exist: please check it.',
    );
  }
  if (y < EARLIEST_BIRTH_YEAR) {
    return say(
      `居民身份证号中的出生日期早于${EARLIEST_BIRTH_YEAR}年，请仔细核对`,
      `The birth date in the resident ID number is before ${EARLIEST_BIRTH_YEAR}: please check it.`,
    );
  }
  if (birth.getTime() > today.getTime()) {
    return say(
      '居民身份证号中的出生日期晚于今天，请仔细核对',
      'The birth date in the resident ID number is after today: please check it.',
    );
  }
  return undefined;
}

/** 居民身份证 (GB 11643) in Chinese; see idNumberIssue for both languages. */
export const residentIdProblem = (id: string, today = new Date()) => residentIdIssue(id, today)?.zh;

/** Characters people cannot see, named so the message says what to delete. */
const INVISIBLE: Record<string, [zh: string, en: string]> = {
  '\t': ['制表符', 'tab'],
  '\n': ['换行符', 'line break'],
  '\r': ['回车符', 'carriage return'],
  '\u00a0': ['不换行空格', 'no-break space'],
  '\u00ad': ['软连字符', 'soft hyphen'],
  '\u200b': ['零宽空格', 'zero-width space'],
  '\u200c': ['零宽非连接符', 'zero-width non-joiner'],
  '\u200d': ['零宽连接符', 'zero-width joiner'],
  '\u200e': ['从左至右标记', 'left-to-right mark'],
  '\u200f': ['从右至左标记', 'right-to-left mark'],
  '\u2060': ['零宽不换行符', 'word joiner'],
  '\u3000': ['全角空格', 'full-width space'],
  '\ufeff': ['字节顺序标记', 'byte order mark'],
};

const codePoint = (c: string) => `U+${(c.codePointAt(0) as number).toString(16).toUpperCase().padStart(4, '0')}`;
const ordinal = (n: number) =>
  `${n}${n % 100 >= 11 && n % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th')}`;

/**
 * The first character no ID number may hold (every type uses printable half-width ASCII), named
 * with its position: a full-width digit or letter copied from a document, an invisible character
 * pasted from a web page or a spreadsheet, or anything else.
 */
function characterIssue(id: string): IdNumberIssue | undefined {
  for (const [i, c] of [...id].entries()) {
    const cp = c.codePointAt(0) as number;
    if (cp >= 0x21 && cp <= 0x7e) continue;
    const at = `第${i + 1}位`;
    const atEn = `The ${ordinal(i + 1)} character`;
    if (cp >= 0xff01 && cp <= 0xff5e) {
      const half = String.fromCodePoint(cp - 0xfee0);
      const digit = /\d/.test(half);
      const letter = /[A-Za-z]/.test(half);
      return say(
        `证件号${at}是全角字符"${c}"，请改用半角${digit ? '数字' : letter ? '字母' : '字符'}（输入法切换到英文或半角后输入"${half}"）`,
        `${atEn} of the ID number, "${c}", is full-width: type the half-width ${digit ? 'digit' : letter ? 'letter' : 'character'} "${half}" instead.`,
      );
    }
    const invisible = INVISIBLE[c];
    if (invisible) {
      return say(
        `证件号${at}是看不见的${invisible[0]}（${codePoint(c)}），请删除`,
        `${atEn} of the ID number is an invisible ${invisible[1]} (${codePoint(c)}): delete it.`,
      );
    }
    if (/[\p{Cc}\p{Cf}\p{Z}]/u.test(c)) {
      return say(
        `证件号${at}是看不见的字符（${codePoint(c)}），请删除`,
        `${atEn} of the ID number is an invisible character (${codePoint(c)}): delete it.`,
      );
    }
    return say(
      `证件号${at}是不允许的字符"${c}"（${codePoint(c)}），证件号只能使用半角数字和字母`,
      `${atEn} of the ID number, "${c}" (${codePoint(c)}), is not allowed: use half-width digits and letters only.`,
    );
  }
  return undefined;
}

/** The first stray character of an ID number, in Chinese; see idNumberIssue for both languages. */
export const idCharacterProblem = (id: string) => characterIssue(id)?.zh;

const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** 统一社会信用代码 (GB 32100): 18 symbols of a 31-symbol alphabet, MOD 31 check symbol. */
function usccIssue(code: string): IdNumberIssue | undefined {
  if (code.length !== 18) return say('统一社会信用代码应为18位', 'A unified social credit code has 18 characters.');
  if (/[a-z]/.test(code)) {
    return say('统一社会信用代码中的字母请使用大写', 'Type the letters of the unified social credit code in capitals.');
  }
  const values = [...code].map((c) => USCC_ALPHABET.indexOf(c));
  if (values.some((v) => v < 0)) {
    return say(
      '统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z）',
      'The unified social credit code holds a character it never uses (I, O, S, V and Z are not used).',
    );
  }
  const sum = USCC_WEIGHTS.reduce((s, w, i) => s + w * (values[i] as number), 0);
  if ((31 - (sum % 31)) % 31 !== values[17]) {
    return say(
      '统一社会信用代码校验位不正确，请仔细核对',
      'The check character of the unified social credit code is wrong: please check it.',
    );
  }
  return undefined;
}

/** 统一社会信用代码 (GB 32100) in Chinese; see idNumberIssue for both languages. */
export const usccProblem = (code: string) => usccIssue(code)?.zh;

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

/** What is wrong with an ID number for its type, in Chinese and English, or undefined when it is acceptable. */
export function idNumberIssue(idType: IdTypeName, idNumber: string, today = new Date()): IdNumberIssue | undefined {
  if (idNumber.length === 0) return say('请填写证件号', 'Please fill in the ID number.');
  // Spaces and other stray characters break matching at signing time: name them.
  if (/^ | $/.test(idNumber)) {
    return say(
      '证件号前后不能有空格（多余的空格会导致无法电子签章）',
      'The ID number must not begin or end with a space (a stray space makes e-signing fail).',
    );
  }
  if (/ /.test(idNumber)) {
    return say(
      '证件号中间不能有空格（多余的空格会导致无法电子签章）',
      'The ID number must not contain spaces (a stray space makes e-signing fail).',
    );
  }
  const character = characterIssue(idNumber);
  if (character) return character;
  switch (idType) {
    case 'resident_id':
      return residentIdIssue(idNumber, today);
    case 'uscc':
      return usccIssue(idNumber);
    case 'passport':
      return /^[A-Z0-9]{5,17}$/.test(idNumber)
        ? undefined
        : say('护照号应为5至17位大写字母或数字', 'A passport number has 5 to 17 capital letters or digits.');
    case 'hk_macao_pass':
      return /^[HM]\d{8,10}$/.test(idNumber)
        ? undefined
        : say(
            '港澳居民来往内地通行证号应为H或M开头，后接8至10位数字',
            'A Mainland Travel Permit for Hong Kong and Macao Residents number is H or M and 8 to 10 digits.',
          );
    case 'taiwan_pass':
      return /^(\d{8}|\d{10})$/.test(idNumber)
        ? undefined
        : say(
            '台湾居民来往大陆通行证号应为8位或10位数字',
            'A Mainland Travel Permit for Taiwan Residents number has 8 or 10 digits.',
          );
    case 'foreign_permanent_resident':
      // The 2017 card: 3 letters + 12 digits; the 2023 card: 18 characters with the resident-ID check.
      if (/^[A-Z]{3}\d{12}$/.test(idNumber)) return undefined;
      if (/^9\d{16}[\dX]$/.test(idNumber) && residentIdCheckChar(idNumber) === idNumber[17]) return undefined;
      return say(
        '外国人永久居留身份证号格式不正确（3位字母加12位数字，或以9开头的18位号码）',
        'A Foreign Permanent Resident ID Card number is 3 letters and 12 digits, or 18 characters beginning with 9.',
      );
    case 'other_org':
      return /^[A-Z0-9-]{4,40}$/.test(idNumber)
        ? undefined
        : say(
            '证件号应为4至40位大写字母、数字或连字符',
            'The ID number has 4 to 40 capital letters, digits or hyphens.',
          );
  }
}

/** What is wrong with an ID number for its type, in Chinese (the forms' language), or undefined. */
export const idNumberProblem = (idType: IdTypeName, idNumber: string, today = new Date()) =>
  idNumberIssue(idType, idNumber, today)?.zh;

/**
 * Adds an ID number's problem to a zod refinement, at `idNumber`: the Chinese message, and the
 * English one in `params.en` for requests in English (see error-map.ts).
 */
export function addIdNumberIssue(
  ctx: { addIssue(issue: { code: 'custom'; path: string[]; message: string; params: { en: string } }): void },
  idType: IdTypeName,
  idNumber: string,
): void {
  const problem = idNumberIssue(idType, idNumber);
  if (problem) ctx.addIssue({ code: 'custom', path: ['idNumber'], message: problem.zh, params: { en: problem.en } });
}
