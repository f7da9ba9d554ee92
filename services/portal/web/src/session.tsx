import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from 'react';
import { ApiFailure, client, link, ok } from './api';
import { usePrerendered } from './prerendered';
import type { Me, Role } from './proto';

/** The caller (GET /api/identity/me), or null when not logged in. */
interface Session {
  me: Me | null | undefined;
  reload: () => Promise<void>;
  has: (...roles: Role[]) => boolean;
}

const SessionContext = createContext<Session>({ me: undefined, reload: async () => {}, has: () => false });

export function SessionProvider({ children }: { children: ReactNode }) {
  const pre = usePrerendered();
  const [me, setMe] = useState<Me | null | undefined>(pre?.me);
  const reload = useCallback(async () => {
    try {
      setMe(await ok(client.GET('/api/identity/me')));
    } catch (err) {
      if (err instanceof ApiFailure && (err.status === 401 || err.status === 404 || err.status === 503)) setMe(null);
      else throw err;
    }
  }, []);
  // Asked for once, unless the page came with it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, at the start
  useEffect(() => {
    if (pre?.me === undefined) void reload();
  }, [reload]);
  const has = (...roles: Role[]) => !!me && roles.some((r) => me.roles.includes(r));
  return <SessionContext.Provider value={{ me, reload, has }}>{children}</SessionContext.Provider>;
}

export const useSession = () => useContext(SessionContext);

/**
 * Where the development identity provider (浙江政务服务网 stand-in) starts a login, back to this page
 * (on the server, which renders the landing page only: back to it).
 */
export const loginUrl = (returnTo = typeof location === 'undefined' ? '/' : `${location.pathname}${location.search}`) =>
  link('/api/identity/login', {}, { returnTo });
