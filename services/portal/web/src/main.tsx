import { App as AntApp, ConfigProvider, Empty } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { StrictMode, useSyncExternalStore } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { ElderProvider, elderTheme, standardTheme, useElder } from './elder';
import { LangProvider, useLang } from './i18n';
import { prefetchPages, Routes } from './routes';
import { SessionProvider } from './session';

/** "No data" in tables and lists, in a grey that reads (antd's is #bfbfbf, 1.8:1). */
const emptyText = (text?: string) => () => (
  <Empty
    image={Empty.PRESENTED_IMAGE_SIMPLE}
    description={<span style={{ color: 'rgba(0, 0, 0, 0.7)' }}>{text}</span>}
  />
);

/** The system's "reduce motion" setting (WCAG 2.3.3), followed when it changes. */
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');
function usePrefersReducedMotion(): boolean {
  return useSyncExternalStore(
    (changed) => {
      reducedMotion.addEventListener('change', changed);
      return () => reducedMotion.removeEventListener('change', changed);
    },
    () => reducedMotion.matches,
  );
}

/**
 * antd in the language shown (its own words: pagination, date pickers, empty tables) and the mode's
 * theme; without antd's fades and slides for those who asked their system to reduce motion.
 */
function Root() {
  const { lang } = useLang();
  const { elder } = useElder();
  const still = usePrefersReducedMotion();
  const locale = lang === 'en' ? enUS : zhCN;
  const theme = elder ? elderTheme : standardTheme;
  return (
    <ConfigProvider
      locale={locale}
      theme={still ? { ...theme, token: { ...theme.token, motion: false } } : theme}
      renderEmpty={emptyText(locale.Empty?.description)}
    >
      <AntApp>
        <BrowserRouter>
          <Routes />
        </BrowserRouter>
      </AntApp>
    </ConfigProvider>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <LangProvider>
      <SessionProvider>
        <ElderProvider>
          <Root />
        </ElderProvider>
      </SessionProvider>
    </LangProvider>
  </StrictMode>,
);

// The other pages' chunks, after the first page has loaded.
window.addEventListener('load', () => setTimeout(prefetchPages, 500), { once: true });
