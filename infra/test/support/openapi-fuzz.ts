import { ErrorBody, httpStatusOf, type Role } from '@copyreg/proto';
import fc from 'fast-check';
import type { Knex } from 'knex';
import type { Client as Minio } from 'minio';
import { PNG } from '../../src/bench/flow';
import { input, invalid, type JsonSchema, nearExample, realIds, type SchemaContext, valid } from './schema-arbitrary';
import { changes, type Snapshot, writeProbe } from './write-probe';

/**
 * A property-based fuzzer over a service's generated OpenAPI document: every operation is
 * called with generated path parameters, query and body, under each session, one request at a
 * time. Path ids are real ones (objects seeded for the purpose) half the time, bodies are valid
 * most of the time (near a known-valid example where one is given), upload operations get real
 * files. What must hold for every request:
 *  - no 5xx;
 *  - a 4xx carries the documented error body (ErrorBody) with the status its code maps to, and
 *    its messages read as sentences (no zod default such as 期望 string >=1, no raw path a.0.b);
 *  - a refused request (any 4xx) writes nothing: no table of any schema in the database and not
 *    the bucket changes (a change is confirmed by sending the request again once all is quiet);
 *  - a 2xx goes only to a caller the route admits: a role in its `x-roles`, or anyone logged in
 *    unless it is public (`security: []`).
 * And the document itself: it is served, and has at least the operations expected.
 */
export interface FuzzSession {
  /** The session cookie; none for an anonymous caller. */
  cookie?: string;
  roles: Role[];
  /** How often it is chosen relative to the others (default 1): the owner of the seeded objects more often. */
  weight?: number;
  /** Its own objects' ids by name, used instead of everyone's when this session calls. */
  ids?: Record<string, string[]>;
}

export interface FuzzOptions {
  baseUrl: string;
  /** The service's name: its API is at /api/<name>. */
  name: string;
  db: Knex;
  /** The database schemas a refused request must not write to (default: every schema of the database). */
  schemas?: string[];
  /** The bucket a refused request must not write to. */
  store?: { client: Minio; bucket: string };
  sessions: Record<string, FuzzSession>;
  /** Real ids and values by parameter or field name (`filingId`, `token`, `idNumber`…); `*` for any other uuid. */
  ids?: Record<string, string[]>;
  /** Known-valid JSON bodies by operation (`PUT /api/identity/profile`). */
  examples?: Record<string, unknown[]>;
  runsPerOperation: number;
  seed: number;
  /** Operations to leave out, as `METHOD /path` (e.g. a redirect to an outside login page). */
  skip?: string[];
  /** Fewer operations than this (routes lost from the document) is a finding. */
  expectedOperations?: number;
}

export interface FuzzFinding {
  operation: string;
  session: string;
  request: string;
  problem: string;
}

export interface FuzzResult {
  requests: number;
  operations: number;
  /** Operations that answered 2xx at least once: how far past login, validation and "not found" the fuzzer got. */
  reached: string[];
  /** How often each operation answered each status: what the fuzzer exercised. */
  statuses: Record<string, Record<string, number>>;
  findings: FuzzFinding[];
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: JsonSchema;
}

interface Operation {
  method: string;
  path: string;
  summary?: string;
  security?: unknown[];
  'x-roles'?: Role[];
  parameters?: (Parameter | { $ref: string })[];
  requestBody?: { content?: Record<string, { schema: JsonSchema }> };
}

/** A request as sent: the body is JSON text, a multipart form, or nothing. */
interface Case {
  session: string;
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  body: { json: string } | { form: FormPart[] } | undefined;
}

type FormPart = { field: string; name: string; type: string; bytes: Uint8Array };
const formOf = (...parts: FormPart[]): Case['body'] => ({ form: parts });

export async function fuzzService(o: FuzzOptions): Promise<FuzzResult> {
  const findings: FuzzFinding[] = [];
  const result: FuzzResult = { requests: 0, operations: 0, reached: [], statuses: {}, findings };
  const docUrl = `${o.baseUrl}/api/${o.name}/openapi.json`;
  let spec: { paths?: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>> };
  try {
    const res = await fetch(docUrl, { signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`${res.status}`);
    spec = (await res.json()) as typeof spec;
  } catch (err) {
    findings.push({
      operation: `GET ${docUrl}`,
      session: '-',
      request: docUrl,
      problem: `no OpenAPI document: ${(err as Error).message}`,
    });
    return result;
  }
  const operations: Operation[] = Object.entries(spec.paths ?? {}).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ ...op, method, path })),
  );
  if (o.expectedOperations !== undefined && operations.length < o.expectedOperations)
    findings.push({
      operation: docUrl,
      session: '-',
      request: docUrl,
      problem: `${operations.length} operations, fewer than the ${o.expectedOperations} expected`,
    });

  const probe = await writeProbe(o.db, o.store, o.schemas);
  let state = await probe.snapshot();
  const ctx: SchemaContext = { document: spec, ids: o.ids };
  for (const op of operations) {
    const name = label(op);
    if (o.skip?.includes(name)) continue;
    result.operations++;
    const cases = fc.sample(caseArbitrary(op, o, ctx), { numRuns: o.runsPerOperation, seed: o.seed });
    let reached = false;
    let wroteOnRefusal = false;
    for (const c of cases) {
      const sent = await send(o, op, c);
      result.requests++;
      const tally = result.statuses[name] ?? {};
      result.statuses[name] = tally;
      const code = sent.status && sent.status >= 400 ? /"code":"(\w+)"/.exec(sent.text)?.[1] : undefined;
      const key = `${sent.status ?? 'none'}${code ? ` ${code}` : ''}`;
      tally[key] = (tally[key] ?? 0) + 1;
      const report = (problem: string) =>
        findings.push({ operation: name, session: c.session, request: sent.request, problem });
      const before = state;
      state = await probe.snapshot();
      if (sent.status === undefined) {
        report(`no answer: ${sent.text}`);
        continue;
      }
      if (sent.status >= 500) report(`${sent.status} ${sent.text.slice(0, 300)}`);
      else if (sent.status >= 400) {
        const bodyProblem = errorBodyProblem(sent.status, sent.text);
        if (bodyProblem) report(bodyProblem);
        const wrote = changes(before, state);
        if (wrote.length && !wroteOnRefusal) {
          // Work an earlier request started may still be writing: the same request, sent twice more
          // on a quiet platform, must be refused and write both times to count.
          const replays: string[][] = [];
          for (let i = 0; i < 2; i++) {
            state = await probe.settle(2000, 30_000);
            const again = await send(o, op, c);
            const after: Snapshot = await probe.snapshot();
            const refused = again.status !== undefined && again.status >= 400 && again.status < 500;
            replays.push(refused ? changes(state, after) : []);
            state = after;
          }
          if (replays.every((w) => w.length)) {
            report(`refused (${sent.status}) but wrote: ${(replays[0] as string[]).join(', ')}`);
            wroteOnRefusal = true; // once is enough: no more waiting for quiet on this operation
          }
        }
      } else if (sent.status < 300) {
        reached = true;
        const denied = admits(op, o.sessions[c.session] as FuzzSession);
        if (denied) report(`${sent.status} to ${c.session}, ${denied}`);
      }
    }
    if (reached) result.reached.push(name);
  }
  return result;
}

const label = (op: { method: string; path: string }) => `${op.method.toUpperCase()} ${op.path}`;

/** Why the session should not have had a 2xx here, or undefined if it may. */
function admits(op: Operation, session: FuzzSession): string | undefined {
  const isPublic = Array.isArray(op.security) && op.security.length === 0;
  if (isPublic) return undefined;
  if (!session.cookie) return 'which has no session, on a route that is not public';
  const roles = op['x-roles'];
  if (roles && !session.roles.some((r) => roles.includes(r)))
    return `whose roles (${session.roles.join(', ') || 'none'}) are not among the route's x-roles (${roles.join(', ')})`;
  return undefined;
}

function errorBodyProblem(status: number, text: string): string | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return `${status} without a JSON error body: ${text.slice(0, 200)}`;
  }
  const body = ErrorBody.safeParse(parsed);
  if (!body.success) return `${status} body is not ErrorBody: ${text.slice(0, 200)}`;
  if (httpStatusOf[body.data.error.code] !== status)
    return `${status} with code ${body.data.error.code} (which maps to ${httpStatusOf[body.data.error.code]})`;
  // Messages are sentences naming the field by its label: never zod's defaults nor a raw path (a.0.b).
  const messages = [body.data.error.message, ...(body.data.error.issues ?? []).map((i) => i.message)];
  const unreadable = messages.find((m) => /期望|[<>]=|[A-Za-z]\.\d/.test(m));
  if (unreadable) return `${status} message a person cannot read: ${unreadable.slice(0, 200)}`;
  return undefined;
}

/** Cases for one operation: a session, path and query parameters, and a body of the kind it takes. */
function caseArbitrary(op: Operation, o: FuzzOptions, shared: SchemaContext): fc.Arbitrary<Case> {
  const params = (op.parameters ?? []).map((p) => ('$ref' in p ? resolveParameter(p.$ref, shared) : p));
  const pathParams = params.filter((p): p is Parameter => p?.in === 'path');
  const queryParams = params.filter((p): p is Parameter => p?.in === 'query');
  const required = queryParams.filter((p) => p.required).map((p) => p.name);
  // The rest of the request is drawn for the session: its own objects' ids where it has some.
  const forSession = (label: string): fc.Arbitrary<Case> => {
    const ctx: SchemaContext = { ...shared, ids: { ...shared.ids, ...o.sessions[label]?.ids } };
    const pathArb = fc.record(
      Object.fromEntries(
        pathParams.map((p) => {
          const ids = realIds(p.name, p.schema, ctx);
          const generated = input(p.schema, { ...ctx, root: p.schema }, p.name);
          // Half the time one of the real objects, so the call gets past "not found".
          return [p.name, ids.length ? fc.oneof(fc.constantFrom(...ids), generated) : generated];
        }),
      ),
    );
    const queryValues = Object.fromEntries(
      queryParams.map((p) => [p.name, input(p.schema, { ...ctx, root: p.schema }, p.name)]),
    );
    const queryArb = fc.oneof(
      { arbitrary: fc.record(queryValues, { requiredKeys: required }), weight: 9 },
      { arbitrary: fc.record(queryValues, { requiredKeys: [] }), weight: 1 },
    );
    return fc.record({
      session: fc.constant(label),
      path: pathArb,
      query: queryArb,
      body: bodyArbitrary(op, o, ctx),
    });
  };
  return fc
    .oneof(
      ...Object.entries(o.sessions).map(([label, sn]) => ({ arbitrary: fc.constant(label), weight: sn.weight ?? 1 })),
    )
    .chain(forSession);
}

function resolveParameter(ref: string, ctx: SchemaContext): Parameter | undefined {
  return ref
    .replace(/^#\//, '')
    .split('/')
    .reduce<unknown>((n, k) => (n as Record<string, unknown> | undefined)?.[k], ctx.document) as Parameter | undefined;
}

/** Whether an operation takes a file: a multipart request body, or a summary that says so. */
export function isUpload(op: Pick<Operation, 'requestBody' | 'summary'>): boolean {
  return Boolean(op.requestBody?.content?.['multipart/form-data']) || /multipart\/form-data/i.test(op.summary ?? '');
}

/** Bodies for the operation: mostly valid JSON (near a given example, or generated), or files for an upload. */
export function bodyArbitrary(
  op: Pick<Operation, 'method' | 'path' | 'requestBody' | 'summary'>,
  o: Pick<FuzzOptions, 'examples'>,
  ctx: SchemaContext,
): fc.Arbitrary<Case['body']> {
  if (isUpload(op)) return uploadArbitrary;
  const schema = op.requestBody?.content?.['application/json']?.schema;
  if (!schema) return fc.constant(undefined);
  ctx = { ...ctx, root: schema };
  const examples = o.examples?.[label(op)] ?? [];
  const malformed = fc.constantFrom('{', 'null', '[]', '"x"', '{"__proto__":{"x":1}}');
  const json = fc.oneof(
    ...examples.map((e) => ({ arbitrary: nearExample(e, schema, ctx), weight: Math.ceil(12 / examples.length) })),
    { arbitrary: valid(schema, ctx), weight: examples.length ? 1 : 12 },
    { arbitrary: invalid(schema, ctx), weight: examples.length ? 1 : 2 },
  );
  return fc
    .oneof({ arbitrary: json.map((v) => JSON.stringify(v)), weight: 9 }, { arbitrary: malformed, weight: 1 })
    .map((text) => ({ json: text }));
}

/** The smallest well-formed PDF: one empty page, with a correct cross-reference table. */
export function tinyPdf(): Uint8Array {
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const off of offsets) out += `${String(off).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(out);
}

const part = (field: string, name: string, type: string, bytes: Uint8Array): FormPart => ({ field, name, type, bytes });
/** Real files most of the time (a PNG, a PDF), sometimes a wrong field, an empty file, a text file, or nothing. */
const uploadArbitrary: fc.Arbitrary<Case['body']> = fc.oneof(
  { arbitrary: fc.constant(formOf(part('file', '作品样本.png', 'image/png', PNG))), weight: 4 },
  { arbitrary: fc.constant(formOf(part('file', '身份证明.pdf', 'application/pdf', tinyPdf()))), weight: 3 },
  { arbitrary: fc.constant(formOf(part('upload', 'a.png', 'image/png', PNG))), weight: 1 },
  { arbitrary: fc.constant(formOf(part('file', 'empty.png', 'image/png', new Uint8Array()))), weight: 1 },
  {
    arbitrary: fc.constant(formOf(part('file', '说明.png', 'image/png', new TextEncoder().encode('not an image')))),
    weight: 1,
  },
  { arbitrary: fc.constant(undefined), weight: 1 },
);

const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

async function send(
  o: FuzzOptions,
  op: Operation,
  c: Case,
): Promise<{ status?: number; text: string; request: string }> {
  const url = new URL(
    o.baseUrl + op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(text(c.path[name]) || 'x')),
  );
  for (const [k, v] of Object.entries(c.query)) if (v !== undefined) url.searchParams.set(k, text(v));
  const cookie = o.sessions[c.session]?.cookie;
  const method = op.method.toUpperCase();
  let body: string | FormData | undefined;
  let shown = '';
  if (c.body && 'json' in c.body && method !== 'GET') {
    body = c.body.json;
    shown = ` ${body.slice(0, 300)}`;
  } else if (c.body && 'form' in c.body) {
    const form = new FormData();
    for (const p of c.body.form) form.append(p.field, new Blob([Buffer.from(p.bytes)], { type: p.type }), p.name);
    body = form;
    shown = ` [multipart ${c.body.form.map((p) => `${p.field}=${p.name} (${p.bytes.length} bytes)`).join(', ')}]`;
  }
  const request = `${method} ${url.pathname}${url.search}${shown}`;
  try {
    const res = await fetch(url, {
      method,
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(typeof body === 'string' ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(30_000),
    });
    return { status: res.status, text: await res.text(), request };
  } catch (err) {
    return { text: (err as Error).message, request };
  }
}

/** One line per operation and kind of problem, with the first request that showed it. */
export function summarise(findings: FuzzFinding[]): string[] {
  const seen = new Map<string, FuzzFinding & { times: number }>();
  for (const f of findings) {
    const kind = f.problem
      .replace(/\d+ rows #-?\d+/g, 'rows')
      .replace(/\d+ objects, \d+ bytes/g, 'objects')
      .slice(0, 120);
    const key = `${f.operation} — ${kind}`;
    const first = seen.get(key);
    if (first) first.times++;
    else seen.set(key, { ...f, times: 1 });
  }
  return [...seen].map(([key, f]) => `${key} (×${f.times}; e.g. as ${f.session}: ${f.request.slice(0, 200)})`);
}
