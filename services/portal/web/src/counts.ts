import { useCallback, useEffect, useState } from 'react';
import { loadList } from './filings';
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
    ).then((pairs) => setCounts(Object.fromEntries(pairs.filter((p) => p !== undefined))));
  }, [enabled]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: reload when the page changes
  useEffect(load, [load, refreshKey]);
  return [counts, load];
}
