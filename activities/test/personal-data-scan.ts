/**
 * The personal-data scan of workflow histories: workflows carry identifiers, never ID numbers,
 * names, addresses or phone numbers. Used on the fake activities' histories (activities/test) and
 * on the histories real activities produce (the fault test's registrations on the private stack).
 */

/** Every string in an object, with byte arrays (payload data) decoded as UTF-8. */
export function allText(value: unknown): string {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (v === null || v === undefined) return;
    if (typeof v === 'string') out.push(v);
    else if (v instanceof Uint8Array) out.push(Buffer.from(v).toString('utf8'));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v instanceof Date) out.push(v.toISOString());
    else if (typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(value);
  return out.join('\n');
}

/**
 * Personal data found in TEXT: every value of KNOWN (the names, ID numbers, addresses and phone
 * numbers the test gave the platform), and anything shaped like a resident ID number, a mobile
 * number or a street address. Digit runs count only when they stand alone (not inside a hash or
 * an id), so sha256 sums and UUIDs are not mistaken for ID numbers.
 */
export function personalDataIn(text: string, known: string[] = []): string[] {
  const found = new Set<string>();
  for (const secret of known) if (secret && text.includes(secret)) found.add(`known: ${secret}`);
  // A region code, a birth date, a sequence and a check character (not verified: a mistyped
  // number is personal data as much as a valid one).
  const residentId =
    /(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])/g;
  for (const m of text.matchAll(residentId)) found.add(`resident ID number: ${m[0]}`);
  for (const m of text.matchAll(/(?<![0-9A-Za-z])(?:\+?86[- ]?)?1[3-9]\d{9}(?![0-9A-Za-z])/g))
    found.add(`mobile number: ${m[0]}`);
  for (const m of text.matchAll(/[\p{Script=Han}]{1,12}[省市区县][\p{Script=Han}\d]{0,20}[路街道巷弄]\d+号/gu))
    found.add(`address: ${m[0]}`);
  return [...found];
}
