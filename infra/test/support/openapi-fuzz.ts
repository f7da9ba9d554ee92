import { ErrorBody, httpStatusOf } from '@copyreg/proto';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { input, type JsonSchema } from './schema-arbitrary';

/**
 * A property-based fuzzer over a service's generated OpenAPI document: every operation is
 * called with generated path parameters, query and body, under each session, one request at a
 * time. What must hold for every request:
 *  - no 5xx;
 *  - a 4xx carries the documented error body (ErrorBody) with the status its code maps to, and
 *    its messages read as sentences (no zod default such as 期望 string >=1, no raw path a.0.b);
 *  - a refused request (4xx) writes nothing: the row counts of the service's schema are unchanged.
 */
export interface FuzzOptions {
  baseUrl: string;
  /** The service's name: its API is at /api/<name>, its Postgres schema is <name>. */
  name: string;
  db: Knex;
  /** Session cookies by label ('anonymous' has none). */
  sessions: Record<string, string | undefined>;
  runsPerOperation: number;
  seed: number;
  /** Operations to leave out, as `METHOD /path` (e.g. a redirect to an outside login page). */
  skip?: string[];
}

export interface FuzzFinding {
  operation: string;
  session: string;
  request: string;
  problem: string;
}

interface Operation {
  method: string;
  path: string;
  parameters?: { name: string; in: 'path' | 'query'; required?: boolean; schema: JsonSchema }[];
  requestBody?: { content?: Record<string, { schema: JsonSchema }> };
}

export async function fuzzService(
  o: FuzzOptions,
): Promise<{ requests: number; operations: number; findings: FuzzFinding[] }> {
  const spec = (await (await fetch(`${o.baseUrl}/api/${o.name}/openapi.json`)).json()) as {
    paths: Record<string, Record<string, Omit<Operation, 'method' | 'path'>>>;
  };
  const operations: Operation[] = Object.entries(spec.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ ...op, method, path })),
  );
  const counts = rowCounter(o.db, o.name);
  const findings: FuzzFinding[] = [];
  let requests = 0;
  let operationsRun = 0;
  for (const op of operations) {
    const label = `${op.method.toUpperCase()} ${op.path}`;
    if (o.skip?.includes(label)) continue;
    operationsRun++;
    const params = op.parameters ?? [];
    const pathArb = fc.record(
      Object.fromEntries(params.filter((p) => p.in === 'path').map((p) => [p.name, input(p.schema)])),
    );
    const queryArb = fc.record(
      Object.fromEntries(params.filter((p) => p.in === 'query').map((p) => [p.name, input(p.schema)])),
      { requiredKeys: [] },
    );
    const bodySchema = op.requestBody?.content?.['application/json']?.schema;
    const bodyArb = bodySchema
      ? fc.oneof(
          { arbitrary: input(bodySchema).map((v) => JSON.stringify(v)), weight: 9 },
          { arbitrary: fc.constantFrom('{', 'null', '[]', '"x"', '{"__proto__":{"x":1}}'), weight: 1 },
        )
      : fc.constant(undefined);
    const cases = fc.sample(
      fc.record({
        session: fc.constantFrom(...Object.keys(o.sessions)),
        path: pathArb,
        query: queryArb,
        body: bodyArb,
      }),
      { numRuns: o.runsPerOperation, seed: o.seed },
    );
    for (const c of cases) {
      const url = new URL(
        o.baseUrl + op.path.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(text(c.path[name]) || 'x')),
      );
      for (const [k, v] of Object.entries(c.query)) if (v !== undefined) url.searchParams.set(k, text(v));
      const cookie = o.sessions[c.session];
      const before = await counts();
      const request = `${op.method.toUpperCase()} ${url.pathname}${url.search}${c.body ? ` ${c.body.slice(0, 300)}` : ''}`;
      const report = (problem: string) => findings.push({ operation: label, session: c.session, request, problem });
      requests++;
      let res: Response;
      try {
        res = await fetch(url, {
          method: op.method.toUpperCase(),
          headers: {
            ...(cookie ? { cookie } : {}),
            ...(c.body !== undefined ? { 'content-type': 'application/json' } : {}),
          },
          ...(c.body !== undefined && op.method !== 'get' ? { body: c.body } : {}),
          redirect: 'manual',
          signal: AbortSignal.timeout(20_000),
        });
      } catch (err) {
        report(`no answer: ${(err as Error).message}`);
        continue;
      }
      const bodyText = await res.text();
      if (res.status >= 500) {
        report(`${res.status} ${bodyText.slice(0, 300)}`);
        continue;
      }
      if (res.status >= 400) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(bodyText);
        } catch {
          report(`${res.status} without a JSON error body: ${bodyText.slice(0, 200)}`);
          continue;
        }
        const body = ErrorBody.safeParse(parsed);
        if (!body.success) report(`${res.status} body is not ErrorBody: ${bodyText.slice(0, 200)}`);
        else if (httpStatusOf[body.data.error.code] !== res.status)
          report(
            `${res.status} with code ${body.data.error.code} (which maps to ${httpStatusOf[body.data.error.code]})`,
          );
        // Messages are sentences naming the field by its label: never zod's defaults nor a raw path (a.0.b).
        const messages = body.success
          ? [body.data.error.message, ...(body.data.error.issues ?? []).map((i) => i.message)]
          : [];
        const unreadable = messages.find((m) => /期望|[<>]=|[A-Za-z]\.\d/.test(m));
        if (unreadable) report(`${res.status} message a person cannot read: ${unreadable.slice(0, 200)}`);
        const after = await counts();
        const changed = Object.keys({ ...before, ...after }).filter((t) => before[t] !== after[t]);
        if (changed.length)
          report(
            `refused (${res.status}) but wrote: ${changed.map((t) => `${t} ${before[t] ?? 0}→${after[t] ?? 0}`).join(', ')}`,
          );
      }
    }
  }
  return { requests, operations: operationsRun, findings };
}

const text = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v));

/** Exact row counts of every table in the schema, in one query. */
function rowCounter(db: Knex, schema: string): () => Promise<Record<string, number>> {
  let sql: string | undefined;
  return async () => {
    if (!sql) {
      const tables: { table_name: string }[] = await db('information_schema.tables')
        .select('table_name')
        .where({ table_schema: schema, table_type: 'BASE TABLE' })
        .whereNot('table_name', 'like', 'knex_migrations%');
      if (!tables.length) return {};
      sql = `select ${tables
        .map((t) => `(select count(*)::int from "${schema}"."${t.table_name}") as "${t.table_name}"`)
        .join(', ')}`;
    }
    const r = await db.raw(sql);
    return r.rows[0] as Record<string, number>;
  };
}

/** One line per operation and kind of problem, with the first request that showed it. */
export function summarise(findings: FuzzFinding[]): string[] {
  const seen = new Map<string, FuzzFinding & { times: number }>();
  for (const f of findings) {
    const kind = f.problem.replace(/\d+→\d+/g, 'n→m').slice(0, 120);
    const key = `${f.operation} — ${kind}`;
    const first = seen.get(key);
    if (first) first.times++;
    else seen.set(key, { ...f, times: 1 });
  }
  return [...seen].map(([key, f]) => `${key} (×${f.times}; e.g. as ${f.session}: ${f.request.slice(0, 200)})`);
}
