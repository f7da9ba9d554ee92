import fc from 'fast-check';

/**
 * Values for a JSON Schema (draft 2020-12, as zod's toJSONSchema writes it): mostly valid ones,
 * to get past validation into the handlers, and sometimes invalid ones — wrong types, edge
 * lengths, padded and odd Unicode strings — to check that bad input is refused, not crashed on.
 * Valid values honour formats, patterns, lengths and bounds; an id-shaped field takes one of the
 * real ids given half the time, so a request reaches past "not found".
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
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
};

/** Where `$ref`s resolve (the schema's own root, then the whole document) and the real ids to use. */
export interface SchemaContext {
  /** The schema the `$ref`s of a `#/$defs/…` kind point into. */
  root?: JsonSchema;
  /** The document `#/components/…` references point into. */
  document?: unknown;
  /** Real ids by field or parameter name; `*` holds every id, for any other uuid field. */
  ids?: Record<string, string[]>;
}

/** Strings that have broken parsers, validators and PDF fonts before. */
export const nasty = fc.constantFrom(
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

/** The real ids for a field of this name (its own, else every id if the field is a uuid), if any. */
export function realIds(name: string | undefined, s: JsonSchema, ctx: SchemaContext): string[] {
  const own = name ? ctx.ids?.[name] : undefined;
  if (own?.length) return own;
  return s.format === 'uuid' ? (ctx.ids?.['*'] ?? []) : [];
}

function stringFor(s: JsonSchema): fc.Arbitrary<string> {
  // zod writes the pattern it checks beside an email format: the pattern is the stricter.
  switch (s.format === 'email' && s.pattern ? undefined : s.format) {
    case 'uuid':
      return fc.uuid({ version: 4 });
    case 'date':
      return fc
        .date({ min: new Date('1990-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString().slice(0, 10));
    case 'date-time':
      return fc
        .date({ min: new Date('1990-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
        .map((d) => d.toISOString());
    case 'email':
      return fc.emailAddress();
    case 'uri':
    case 'url':
      return fc.webUrl();
  }
  const minLength = s.minLength ?? 0;
  const maxLength = Math.max(minLength, Math.min(s.maxLength ?? 40, 40));
  if (s.pattern) {
    try {
      return fc
        .stringMatching(new RegExp(s.pattern))
        .filter((x) => x.length >= minLength && x.length <= (s.maxLength ?? 1e9));
    } catch {
      // a pattern JavaScript cannot compile: plain strings
    }
  }
  // zod trims before it checks a minimum length: a blank string is not a valid one.
  const text = (unit: 'grapheme' | 'binary-ascii' | 'grapheme-ascii') =>
    fc.string({ unit, minLength, maxLength }).filter((x) => minLength === 0 || x.trim().length >= minLength);
  return fc.oneof(text('grapheme-ascii'), text('grapheme'));
}

/** The schema a `$ref` points to: `#/$defs/X` in the schema's root, or any `#/…` pointer in the document. */
export function resolve(s: JsonSchema, ctx: SchemaContext, seen = 0): JsonSchema {
  if (!s.$ref || seen > 10) return s;
  const pointer = s.$ref.replace(/^#\/?/, '').split('/').filter(Boolean);
  const walk = (from: unknown) =>
    pointer.reduce<unknown>(
      (node, key) => (node as Record<string, unknown> | undefined)?.[key.replace(/~1/g, '/').replace(/~0/g, '~')],
      from,
    );
  const target = (walk(ctx.root) ?? walk(ctx.document)) as JsonSchema | undefined;
  const { $ref: _, ...rest } = s;
  return resolve({ ...(target ?? {}), ...rest }, ctx, seen + 1);
}

/** A value that satisfies the schema (as far as this generator understands it). */
export function valid(schema: JsonSchema, ctx: SchemaContext = {}, name?: string, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, ctx);
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum?.length) return fc.constantFrom(...s.enum);
  const options = s.anyOf ?? s.oneOf;
  if (options?.length) return fc.oneof(...options.map((o) => valid(o, ctx, name, depth + 1)));
  if (s.allOf?.length) return valid({ ...s, allOf: undefined, ...(s.allOf[0] as JsonSchema) }, ctx, name, depth + 1);
  const type = Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type;
  switch (type) {
    case 'string': {
      const ids = realIds(name, s, ctx);
      return ids.length ? fc.oneof(fc.constantFrom(...ids), stringFor(s)) : stringFor(s);
    }
    case 'integer': {
      const min = Math.max(s.minimum ?? (s.exclusiveMinimum ?? -1001) + 1, -(2 ** 31));
      const max = Math.min(s.maximum ?? (s.exclusiveMaximum ?? 100_001) - 1, 2 ** 31);
      // Small values (pages, counts) most of the time: the edges of a wide range find little.
      return fc.oneof(fc.integer({ min, max: Math.min(max, Math.max(min, 0) + 5) }), fc.integer({ min, max }));
    }
    case 'number':
      return fc.double({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array':
      if (depth > 5) return fc.constant([]);
      return fc.array(valid(s.items ?? {}, ctx, name, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.max(s.minItems ?? 0, Math.min(s.maxItems ?? 3, 3)),
      });
    case 'object': {
      if (depth > 5) return fc.constant({});
      const props = s.properties ?? {};
      const required = new Set(s.required ?? []);
      const entries = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, valid(v, ctx, k, depth + 1)]));
      return fc.record(entries, { requiredKeys: [...required].filter((k) => k in props) });
    }
    default:
      return anyJson;
  }
}

/** A value that is probably not valid: the wrong type, a nasty string, or a valid value with one field spoiled. */
export function invalid(schema: JsonSchema, ctx: SchemaContext = {}): fc.Arbitrary<unknown> {
  const s = resolve(schema, ctx);
  const spoilOneField =
    s.type === 'object' && s.properties && Object.keys(s.properties).length
      ? fc
          .tuple(valid(s, ctx), fc.constantFrom(...Object.keys(s.properties)), fc.oneof(nasty, anyJson))
          .map(([v, k, bad]) => ({ ...(v as object), [k]: bad }))
      : undefined;
  return fc.oneof(nasty, anyJson, fc.constant(null), ...(spoilOneField ? [spoilOneField, spoilOneField] : []));
}

/** Mostly valid (4 in 5), sometimes not. */
export function input(schema: JsonSchema, ctx: SchemaContext = {}, name?: string): fc.Arbitrary<unknown> {
  return fc.oneof({ arbitrary: valid(schema, ctx, name), weight: 4 }, { arbitrary: invalid(schema, ctx), weight: 1 });
}

/**
 * A known-valid example with one field (anywhere in it) replaced by a value valid for that
 * field's schema — or the example as it is. Bodies with rules no JSON schema states (an ID
 * number's check character, which ID types fit a category) stay valid most of the time this way.
 */
export function nearExample(example: unknown, schema: JsonSchema, ctx: SchemaContext = {}): fc.Arbitrary<unknown> {
  const leaves: { path: (string | number)[]; schema: JsonSchema; name?: string }[] = [];
  const walk = (value: unknown, s: JsonSchema, path: (string | number)[], name?: string) => {
    const r = resolve(s, ctx);
    const obj =
      (r.anyOf ?? r.oneOf)?.map((o) => resolve(o, ctx)).find((o) => o.type === 'object' || o.type === 'array') ?? r;
    if (Array.isArray(value) && obj.items && value.length) {
      for (const [i, v] of value.entries()) walk(v, obj.items as JsonSchema, [...path, i], name);
    } else if (value && typeof value === 'object' && !Array.isArray(value) && obj.properties) {
      for (const [k, sub] of Object.entries(obj.properties))
        walk((value as Record<string, unknown>)[k], sub, [...path, k], k);
    } else if (path.length) leaves.push({ path, schema: s, name });
  };
  walk(example, schema, []);
  if (!leaves.length) return fc.constant(example);
  const changed = fc
    .constantFrom(...leaves)
    .chain((leaf) => valid(leaf.schema, ctx, leaf.name).map((v) => setAt(example, leaf.path, v)));
  return fc.oneof({ arbitrary: fc.constant(example), weight: 1 }, { arbitrary: changed, weight: 2 });
}

function setAt(value: unknown, path: (string | number)[], v: unknown): unknown {
  if (!path.length) return v;
  const [head, ...rest] = path as [string | number, ...(string | number)[]];
  if (Array.isArray(value)) return value.map((x, i) => (i === head ? setAt(x, rest, v) : x));
  const obj = (value ?? {}) as Record<string, unknown>;
  return { ...obj, [head]: setAt(obj[head], rest, v) };
}
