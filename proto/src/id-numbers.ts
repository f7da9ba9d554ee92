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

/** 居民身份证 (GB 11643): ISO 7064 MOD 11-2 check character and a real, past birth date. */
export function residentIdProblem(id: string, today = new Date()): string | undefined {
  if (!/^\d{17}[\dXx]$/.test(id)) return '居民身份证号应为18位，前17位为数字，末位为数字或X';
  if (id.endsWith('x')) return '居民身份证号末位的X请使用大写字母';
  const sum = RESIDENT_WEIGHTS.reduce((s, w, i) => s + w * Number(id[i]), 0);
  if (RESIDENT_CHECK[sum % 11] !== id[17]) return '居民身份证号校验位不正确，请仔细核对';
  const y = Number(id.slice(6, 10));
  const m = Number(id.slice(10, 12));
  const d = Number(id.slice(12, 14));
  const birth = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || birth.getUTCFullYear() !== y || birth.getUTCMonth() !== m - 1 || birth.getUTCDate() !== d) {
    return '居民身份证号中的出生日期不存在，请仔细核对';
  }
  if (birth.getTime() > today.getTime()) return '居民身份证号中的出生日期晚于今天，请仔细核对';
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
  // Spaces break matching at signing time: refuse them with a message that names them.
  if (/^\s|\s$/.test(idNumber)) return '证件号前后不能有空格（多余的空格会导致无法电子签章）';
  if (/\s/.test(idNumber)) return '证件号中间不能有空格（多余的空格会导致无法电子签章）';
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
