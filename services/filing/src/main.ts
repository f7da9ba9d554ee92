import {
  config,
  flushTracing,
  initMetrics,
  initTracing,
  listen,
  logger,
  registrationGauges,
  type StatusCount,
} from '@copyreg/kit';
import { RegistrationStatus } from '@copyreg/proto';
import { createFilingApp } from './app';
import { defaultFilingDeps } from './deps';

await initTracing('filing');
initMetrics('filing');

/** Statuses a registration leaves by itself no more: the gauges count the ones still in flight. */
const finished: RegistrationStatus[] = ['delivered', 'refused', 'withdrawn', 'expired'];
const inFlight = RegistrationStatus.options.filter((s) => !finished.includes(s));

// Registrations by status and what they wait on, from the read model when Prometheus scrapes: one
// query over the (status, …) index that reads only the rows in flight, never the finished ones.
const { db } = defaultFilingDeps();
registrationGauges(
  async () =>
    (await db('filing.filings')
      .select('status')
      .select(db.raw(`regexp_replace(coalesce(waiting_on, 'none'), ':[0-9]+$', '') as "waitingOn"`))
      .select(db.raw('count(*)::int as count'))
      .select(db.raw('(count(*) filter (where overdue))::int as overdue'))
      .select(db.raw('coalesce(extract(epoch from now() - min(status_at)), 0)::float8 as "oldestSeconds"'))
      .whereIn('status', inFlight)
      .groupByRaw('1, 2')) as StatusCount[],
);

const server = await listen(createFilingApp(), config().FILING_PORT);
logger.info({ port: config().FILING_PORT }, 'filing service listening');
process.on('SIGTERM', () => server.close(() => void flushTracing().finally(() => process.exit(0))));
