import type { ErrorCode, WorkingCalendar } from '@copyreg/proto';
import { msToNumber } from '@temporalio/common/lib/time';
import { ApplicationFailure, log } from '@temporalio/workflow';
import { Semaphore } from 'async-mutex';
import { chinaDate, indexCalendar, missingYears, workingDayDeadline } from './working-days';

/**
 * Small pieces the workflows (作品登记, 撤销登记, 其他登记服务) share: a refusal
 * for a validator, effects run one at a time, a deadline on the working-day calendar.
 */

/** A validator's refusal: the ErrorCode is the failure's type, which the services turn into HTTP. */
export const refusal = (code: ErrorCode, message: string) =>
  ApplicationFailure.create({ type: code, message, nonRetryable: true });

/**
 * Runs effects one at a time, in arrival order (FIFO): async-mutex's lock, as Temporal's
 * safe-message-handlers sample uses (promises only, so deterministic in the workflow sandbox).
 * The replay of the recorded histories fixes the microtask at which each effect starts and its
 * caller resumes; hence a `Semaphore(1)`, whose `acquire` resolves at once (`Mutex.acquire`
 * wraps it in one more promise), and a release when the effect's promise settles, after its
 * caller resumed (`runExclusive` releases a tick earlier, letting the next effect go first).
 */
export function serial() {
  const lock = new Semaphore(1);
  return <T>(fn: () => Promise<T>): Promise<T> => {
    let release = () => {};
    const done = lock.acquire().then(([, r]) => {
      release = r;
      return fn();
    });
    done.then(
      () => release(),
      () => release(),
    );
    return done;
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
