import { useCallback, useEffect, useState } from 'react';
import { COMMAND_DONE } from './api';
import { loadList } from './filings';
import { afterNextPaint } from './paint';
import type { ListName } from './proto';

/** The applicant's count per sidebar list (待签章作品 3 …), from each list's total. */
export type Counts = Partial<Record<ListName, number>>;

const lists: ListName[] = [
  'to_submit',
  'to_sign',
  'to_pay',
  'all',
  'initial_review',
  'final_review',
  'certified',
  'other',
];

export function useCounts(enabled: boolean, refreshKey?: string): [Counts, () => void] {
  const [counts, setCounts] = useState<Counts>({});
  const load = useCallback(() => {
    if (!enabled) return;
    Promise.all(
      lists.map((l) =>
        loadList(l, 1, 1).then(
          (p) => [l, p.total] as const,
          () => undefined,
        ),
      ),
    ).then((pairs) => {
      const next: Counts = Object.fromEntries(pairs.filter((p) => p !== undefined));
      // The same counts keep the same object: the sidebar (memo) is not drawn again for nothing.
      setCounts((prev) => (JSON.stringify(prev) === JSON.stringify(next) ? prev : next));
    });
  }, [enabled]);
  // Again on each page change, once the new page is on screen: eight requests sent in the click's
  // own task delayed its frame.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the page changes
  useEffect(() => afterNextPaint(load), [load, refreshKey]);
  // Stale counts otherwise: an action on the same page (删除, 提交), or one in another tab or by
  // someone else (a signer signs, the gateway confirms a payment) while this tab was in the background.
  useEffect(() => {
    const visible = () => document.visibilityState === 'visible' && load();
    window.addEventListener(COMMAND_DONE, load);
    document.addEventListener('visibilitychange', visible);
    return () => {
      window.removeEventListener(COMMAND_DONE, load);
      document.removeEventListener('visibilitychange', visible);
    };
  }, [load]);
  return [counts, load];
}
