import { useEffect, useState } from 'react';

/** Run-time settings the portal server hands the app (/portal-settings.json). */
export interface PortalSettings {
  temporalUiUrl: string;
  temporalNamespace: string;
}

let cached: Promise<PortalSettings> | undefined;
export function usePortalSettings(): PortalSettings | undefined {
  const [settings, setSettings] = useState<PortalSettings>();
  useEffect(() => {
    cached ??= fetch('/portal-settings.json').then((r) => r.json() as Promise<PortalSettings>);
    cached.then(setSettings, () => undefined);
  }, []);
  return settings;
}

/** Ops: the registration's workflow in the Temporal Web UI. */
export const temporalLink = (s: PortalSettings, filingId: string) =>
  `${s.temporalUiUrl}/namespaces/${encodeURIComponent(s.temporalNamespace)}/workflows/${encodeURIComponent(`registration-${filingId}`)}`;
