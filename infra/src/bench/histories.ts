import type { Config } from '@copyreg/kit';
import { registrationWorkflowId } from '@copyreg/proto';
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';

/**
 * What orchestration cost per registration, counted from the histories the run produced (issue
 * 15's targets: ≤ 12 activities and ≤ 120 history events for the two-signer happy path). The
 * bench's registrations end at 已发证 (the paper certificate is not delivered), so the figures are
 * to that point; a workflow that has not reached it is counted as it stands.
 */
export interface HistoryFigures {
  registrations: number;
  events: number[];
  activities: number[];
  workflowTasks: number[];
  timers: number[];
}

export async function countHistories(
  c: Config,
  filingIds: string[],
  options: ConnectionOptions = { address: c.TEMPORAL_ADDRESS },
): Promise<HistoryFigures> {
  const connection = await Connection.connect(options);
  const figures: HistoryFigures = { registrations: 0, events: [], activities: [], workflowTasks: [], timers: [] };
  try {
    // Raw history: payloads are counted, never decoded, so no data converter is needed.
    const client = new Client({ connection, namespace: c.TEMPORAL_NAMESPACE });
    for (const filingId of filingIds) {
      const history = await client.workflow.getHandle(registrationWorkflowId(filingId)).fetchHistory();
      const events = history.events ?? [];
      figures.registrations++;
      figures.events.push(events.length);
      figures.activities.push(events.filter((e) => e.activityTaskScheduledEventAttributes).length);
      figures.workflowTasks.push(events.filter((e) => e.workflowTaskCompletedEventAttributes).length);
      figures.timers.push(events.filter((e) => e.timerStartedEventAttributes).length);
    }
  } finally {
    await connection.close();
  }
  return figures;
}

const mean = (xs: number[]) => (xs.length ? Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10 : 0);
const max = (xs: number[]) => (xs.length ? Math.max(...xs) : 0);

/** The figures for a scenario's table. */
export function historyTable(h: HistoryFigures): Record<string, number> {
  return {
    'history events per registration, to 已发证 (mean)': mean(h.events),
    'history events per registration, to 已发证 (max)': max(h.events),
    'activities per registration, to 已发证 (mean)': mean(h.activities),
    'activities per registration, to 已发证 (max)': max(h.activities),
    'workflow tasks per registration, to 已发证 (mean)': mean(h.workflowTasks),
    'timers started per registration, to 已发证 (mean)': mean(h.timers),
  };
}
