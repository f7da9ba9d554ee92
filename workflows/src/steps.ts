import type { ErrorCode, WorkingCalendar } from '@copyreg/proto';
import { msToNumber } from '@temporalio/common/lib/time';
import { ApplicationFailure, log } from '@temporalio/workflow';
import { chinaDate, indexCalendar, missingYears, workingDayDeadline } from './working-days';

/**
 * Small pieces the office's other services' workflows (撤销登记, 其他登记服务) share: a refusal
 * for a validator, effects run one at a time, a deadline on the working-day calendar.
 */

/** A validator's refusal: the ErrorCode is the failure's type, which the services turn into HTTP. */
export const refusal = (code: ErrorCode, message: string) =>
  ApplicationFailure.create({ type: code, message, nonRetryable: true });

/** Runs effects one at a time, in arrival order (as the registration workflow's Serial). */
export function serial() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const next = tail.then(() => fn());
    tail = next.catch(() => undefined);
    return next;
  };
}

/** `workingDays` from now on the official calendar, or a fixed duration (tests, drills) when given. */
export async function deadlineFromNow(
  loadWorkingCalendar: (input: { fromYear: number; toYear: number }) => Promise<WorkingCalendar>,
  workingDays: number,
  fixedAfter?: string,
): Promise<Date> {
  const now = Date.now();
  if (fixedAfter) return new Date(now + msToNumber(fixedAfter));
  const year = Number(chinaDate(now).slice(0, 4));
  const cal = indexCalendar(await loadWorkingCalendar({ fromYear: year, toYear: year + 1 }));
  const missing = missingYears(year, year + 1, cal);
  if (missing.length) log.warn('working calendar lacks years; counting weekends only there', { missing });
  return workingDayDeadline(now, workingDays, cal);
}

export const nowIso = (): string => new Date().toISOString();
