import { App as AntApp, ConfigProvider, Empty, type ThemeConfig } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { StrictMode, useEffect, useMemo } from 'react';
import { BrowserRouter, StaticRouter } from 'react-router-dom';
import { ElderProvider, elderTheme, standardTheme, useElder } from './elder';
import { LangProvider, useLang } from './i18n';
import { useWide } from './layout/AppLayout';
import { type Prerendered, PrerenderedProvider, useMediaQuery } from './prerendered';
import { Routes } from './routes';
import { SessionProvider } from './session';
import { formatView, viewCookie } from './view';

/** "No data" in tables and lists, in a grey that reads (antd's is #bfbfbf, 1.8:1). */
const emptyText = (text?: string) => () => (
  <Empty
    image={Empty.PRESENTED_IMAGE_SIMPLE}
    description={<span style={{ color: 'rgba(0, 0, 0, 0.7)' }}>{text}</span>}
  />
);

export const reducedMotionQuery = '(prefers-reduced-motion: reduce)';

/** The system's "reduce motion" setting (WCAG 2.3.3), followed when it changes. */
const usePrefersReducedMotion = () => useMediaQuery(reducedMotionQuery, (view) => view.still, false);

/**
 * antd in the language shown (its own words: pagination, date pickers, empty tables) and the mode's
 * theme; without antd's fades and slides for those who asked their system to reduce motion.
 */
function Root({ location }: { location?: string }) {
  const { lang } = useLang();
  const { elder } = useElder();
  const still = usePrefersReducedMotion();
  const wide = useWide();
  // The server renders the next first page as this browser shows it.
  useEffect(() => {
    const view = formatView({ lang, elder, wide, still });
    // biome-ignore lint/suspicious/noDocumentCookie: the Cookie Store API is missing from browsers the offices' users still have
    document.cookie = `${viewCookie}=${encodeURIComponent(view)}; path=/; max-age=31536000; samesite=lax`;
  }, [lang, elder, wide, still]);
  const locale = lang === 'en' ? enUS : zhCN;
  const theme = useMemo<ThemeConfig>(() => {
    const mode = elder ? elderTheme : standardTheme;
    // The CSS variables under a class of the portal's own: by default the class is made from
    // React's useId, and a page hydrated from the server's render keeps the server's ids
    // (css-var-_R_0_), a class antd's stylesheet gives its default theme, loaded after ours.
    return {
      ...mode,
      token: { ...mode.token, ...(still ? { motion: false } : {}) },
      zeroRuntime: true,
      cssVar: { key: 'copyreg' },
    };
  }, [elder, still]);
  const routes = <Routes />;
  return (
    <ConfigProvider locale={locale} theme={theme} renderEmpty={emptyText(locale.Empty?.description)}>
      <AntApp>
        {location === undefined ? (
          <BrowserRouter useTransitions={false}>{routes}</BrowserRouter>
        ) : (
          <StaticRouter location={location}>{routes}</StaticRouter>
        )}
      </AntApp>
    </ConfigProvider>
  );
}

/**
 * The portal: in the browser (main.tsx) under its address, or rendered by the server at `location`
 * (ssr.tsx), with what the first page was rendered with.
 */
export function App({ prerendered, location }: { prerendered: Prerendered; location?: string }) {
  return (
    <StrictMode>
      <PrerenderedProvider value={prerendered}>
        <LangProvider>
          <SessionProvider>
            <ElderProvider>
              <Root location={location} />
            </ElderProvider>
          </SessionProvider>
        </LangProvider>
      </PrerenderedProvider>
    </StrictMode>
  );
}
