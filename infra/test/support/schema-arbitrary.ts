import fc from 'fast-check';

/**
 * Values for a JSON Schema (draft 2020-12, as zod's toJSONSchema writes it): mostly valid ones,
 * to get past validation into the handlers, and often invalid ones — wrong types, edge lengths,
 * padded and odd Unicode strings — to check that bad input is refused, not crashed on.
 */
export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
};

/** Strings that have broken parsers, validators and PDF fonts before. */
const nasty = fc.constantFrom(
  '',
  ' ',
  ' 张三 ',
  '张　三',
  '\u0000',
  "'; drop table x; --",
  '../../etc/passwd',
  '𠀀𪚥𡈽',
  '\u202e',
  'a'.repeat(10_001),
  '11010519491231002X',
  '91330106MA2H0XXXXX',
  '2026-02-30',
  '9999-12-31',
  '-1',
  'NaN',
  '{}',
  '%00',
);

const anyJson = fc.jsonValue({ maxDepth: 2 });

function stringFor(s: JsonSchema): fc.Arbitrary<string> {
  switch (s.format) {
    case 'uuid':
      return fc.uuid();
    case 'date':
      return fc
        .date({ min: new Date('1900-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return fc
        .date({ min: new Date('1970-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'email':
      return fc.emailAddress();
    case 'uri':
    case 'url':
      return fc.webUrl();
  }
  const minLength = s.minLength ?? 0;
  const maxLength = Math.min(s.maxLength ?? 40, Math.max(minLength, 40));
  if (s.pattern) {
    try {
      return fc
        .stringMatching(new RegExp(s.pattern))
        .filter((x) => x.length >= minLength && x.length <= (s.maxLength ?? 1e9));
    } catch {
      // a pattern JavaScript cannot compile: plain strings
    }
  }
  return fc.oneof(fc.string({ minLength, maxLength }), fc.string({ unit: 'grapheme', minLength, maxLength }));
}

function resolve(s: JsonSchema, root: JsonSchema): JsonSchema {
  if (!s.$ref) return s;
  const name = s.$ref.split('/').at(-1) as string;
  return root.$defs?.[name] ?? {};
}

/** A value that satisfies the schema (as far as this generator understands it). */
export function valid(schema: JsonSchema, root: JsonSchema = schema, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, root);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);
  const options = s.anyOf ?? s.oneOf;
  if (options?.length) return fc.oneof(...options.map((o) => valid(o, root, depth + 1)));
  if (s.allOf?.length) return valid(s.allOf[0] as JsonSchema, root, depth + 1);
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string':
      return stringFor(s);
    case 'integer':
      return fc.integer({
        min: Math.max(s.minimum ?? -1000, -(2 ** 31)),
        max: Math.min(s.maximum ?? 100_000, 2 ** 31),
      });
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      if (depth > 4) return fc.constant([]);
      return fc.array(valid(s.items ?? {}, root, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 3, 3),
      });
    case 'object': {
      if (depth > 4) return fc.constant({});
      const props = s.properties ?? {};
      const required = new Set(s.required ?? []);
      const entries = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, valid(v, root, depth + 1)]));
      return fc.record(entries, { requiredKeys: [...required].filter((k) => k in props) });
    }
    default:
      return anyJson;
  }
}

/** A value that is probably not valid: the wrong type, a nasty string, or a valid value with one field spoiled. */
export function invalid(schema: JsonSchema, root: JsonSchema = schema): fc.Arbitrary<unknown> {
  const s = resolve(schema, root);
  const spoilOneField =
    s.type === 'object' && s.properties && Object.keys(s.properties).length
      ? fc
          .tuple(valid(s, root), fc.constantFrom(...Object.keys(s.properties)), fc.oneof(nasty, anyJson))
          .map(([v, k, bad]) => ({ ...(v as object), [k]: bad }))
      : undefined;
  return fc.oneof(nasty, anyJson, fc.constant(null), ...(spoilOneField ? [spoilOneField, spoilOneField] : []));
}

/** Mostly valid, sometimes not. */
export function input(schema: JsonSchema, root: JsonSchema = schema): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: valid(schema, root), weight: 3 }, { arbitrary: invalid(schema, root), weight: 2 });
}
