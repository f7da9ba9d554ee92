import { useCallback, useEffect, useState } from 'react';
import { get } from './api';

/** The applicant's count per sidebar list (待签章作品 3 …); empty when the filing service has none. */
export type Counts = Partial<Record<string, number>>;

export function useCounts(enabled: boolean): [Counts, () => void] {
  const [counts, setCounts] = useState<Counts>({});
  const load = useCallback(() => {
    if (!enabled) return;
    get<Counts>('/api/filing/filings/counts')
      .then(setCounts)
      .catch(() => setCounts({}));
  }, [enabled]);
  useEffect(load, [load]);
  return [counts, load];
}
