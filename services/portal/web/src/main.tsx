import { App as AntApp, ConfigProvider, Empty } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import dayjs from 'dayjs';
import 'dayjs/locale/zh-cn';
import { StrictMode, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router-dom';
import { LangProvider, useLang } from './i18n';
import { prefetchPages, Routes } from './routes';
import { SessionProvider } from './session';

dayjs.locale('zh-cn');

/**
 * Colours with at least 4.5:1 contrast on white (WCAG AA): antd's default primary #1677ff under
 * white text is 4.1:1 and its description grey rgba(0,0,0,.45) is 3.4:1; these are 6.2:1 and 6.0:1.
 */
const theme = {
  token: {
    colorPrimary: '#0958d9',
    colorLink: '#0958d9',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    borderRadius: 4,
    fontSize: 14,
  },
};

/** "No data" in tables and lists, in a grey that reads (antd's is #bfbfbf, 1.8:1). */
const emptyText = (text?: string) => () => (
  <Empty
    image={Empty.PRESENTED_IMAGE_SIMPLE}
    description={<span style={{ color: 'rgba(0, 0, 0, 0.62)' }}>{text}</span>}
  />
);

function Root() {
  const { lang } = useLang();
  useEffect(() => {
    document.documentElement.lang = lang === 'en' ? 'en' : 'zh-CN';
  }, [lang]);
  return (
    <ConfigProvider
      locale={lang === 'en' ? enUS : zhCN}
      theme={theme}
      renderEmpty={emptyText((lang === 'en' ? enUS : zhCN).Empty?.description)}
    >
      <AntApp>
        <SessionProvider>
          <BrowserRouter>
            <Routes />
          </BrowserRouter>
        </SessionProvider>
      </AntApp>
    </ConfigProvider>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <LangProvider>
      <Root />
    </LangProvider>
  </StrictMode>,
);

// The other pages' chunks, after the first page has loaded.
window.addEventListener('load', () => setTimeout(prefetchPages, 500), { once: true });
