import { createContext, useContext, useEffect, useSyncExternalStore } from 'react';
import type { Me } from './proto';
import type { View } from './view';

/**
 * What the first page was rendered with: the view, the session and the answers of the GETs the
 * page makes first (by URL). The portal server renders the landing page with them and puts them in
 * the page (#prerendered, JSON), so that the browser's first render is the same and hydrates it
 * instead of asking again. In the browser, the answers serve the first render only.
 */
export interface Prerendered {
  view: View;
  me?: Me | null;
  answers: Record<string, unknown>;
}

const PrerenderedContext = createContext<Prerendered | undefined>(undefined);
export const PrerenderedProvider = PrerenderedContext.Provider;
export const usePrerendered = () => useContext(PrerenderedContext);

export const prerenderedId = 'prerendered';
/** The landing page's own styles, in the page until the whole stylesheet has come (src/landing.ts). */
export const landingStyleId = 'landing-css';

/**
 * Drops the landing page's own styles once the whole stylesheet has loaded: they are a copy of
 * some of its rules, and every style recalculation would match them again (a page change forces
 * a few).
 */
export function dropLandingStyles() {
  const own = document.getElementById(landingStyleId);
  if (!own) return;
  const pending = [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].filter((l) => !l.sheet);
  let left = pending.length;
  if (left === 0) own.remove();
  for (const link of pending) {
    link.addEventListener('load', () => --left === 0 && own.remove(), { once: true });
  }
}

/** The page's data as a script element's text: `<` escaped, so no user's text can close the element. */
export const prerenderedJson = (data: Prerendered) => JSON.stringify(data).replace(/</g, '\\u003c');

/** In the browser: what the server rendered the page with, if it did. */
export function readPrerendered(): Prerendered | undefined {
  const text = document.getElementById(prerenderedId)?.textContent;
  return text ? (JSON.parse(text) as Prerendered) : undefined;
}

/**
 * An answer the first render takes from the page (undefined for another URL). Once the component
 * is on screen, it is dropped: shown again later, the page asks for a fresh one. (Not earlier: the
 * page inside the layout's Suspense boundary is hydrated after the layout.)
 */
export function usePrerenderedAnswer<A>(url: string | undefined): A | undefined {
  const pre = usePrerendered();
  useEffect(() => {
    if (pre && url) delete pre.answers[url];
  }, [pre, url]);
  return url ? (pre?.answers[url] as A | undefined) : undefined;
}

/**
 * Whether a media query matches, followed when it changes; on the server, and while the server's
 * page is taken over, what the page was rendered with.
 */
export function useMediaQuery(query: string, rendered: (view: View) => boolean, otherwise: boolean): boolean {
  const pre = usePrerendered();
  return useSyncExternalStore(
    (changed) => {
      const q = window.matchMedia(query);
      q.addEventListener('change', changed);
      return () => q.removeEventListener('change', changed);
    },
    () => window.matchMedia(query).matches,
    () => (pre ? rendered(pre.view) : otherwise),
  );
}
