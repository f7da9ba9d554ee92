import type { ThemeConfig } from 'antd';
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { usePrerendered } from './prerendered';
import { useSession } from './session';

/**
 * 长辈版 (elder mode), as 《互联网网站适老化通用设计规范》 asks: large type (18 px body text and
 * up), higher contrast (black text, darker blue, visible borders), larger controls and a short
 * menu. Switched in the header and remembered per user on this browser (localStorage, keyed by
 * the user id; a visitor's choice carries over to the login).
 */
const ElderContext = createContext<{ elder: boolean; setElder: (on: boolean) => void }>({
  elder: false,
  setElder: () => {},
});

const keyOf = (userId?: string) => (userId ? `elder:${userId}` : 'elder:visitor');
const read = (key: string) => localStorage.getItem(key);

/** The mode this browser shows: the user's own choice, else the visitor's. */
export const storedElder = (userId?: string) => (read(keyOf(userId)) ?? read(keyOf())) === '1';

export function ElderProvider({ children }: { children: ReactNode }) {
  const { me } = useSession();
  const userId = me?.userId;
  const pre = usePrerendered();
  const [elder, setState] = useState(() => pre?.view.elder ?? storedElder());
  // The user's own choice once known; else the visitor's, which becomes the user's.
  useEffect(() => {
    if (me === undefined) return;
    const own = read(keyOf(userId));
    if (own !== null) setState(own === '1');
    else if (userId) {
      const visitor = read(keyOf()) === '1';
      localStorage.setItem(keyOf(userId), visitor ? '1' : '0');
      setState(visitor);
    }
  }, [me, userId]);
  const setElder = useCallback(
    (on: boolean) => {
      localStorage.setItem(keyOf(userId), on ? '1' : '0');
      setState(on);
    },
    [userId],
  );
  useEffect(() => {
    document.documentElement.classList.toggle('elder', elder);
  }, [elder]);
  const value = useMemo(() => ({ elder, setElder }), [elder, setElder]);
  return <ElderContext.Provider value={value}>{children}</ElderContext.Provider>;
}

export const useElder = () => useContext(ElderContext);

/**
 * Colours with at least 4.5:1 contrast on white (WCAG AA): antd's default primary #1677ff under
 * white text is 4.1:1 and its description grey rgba(0,0,0,.45) is 3.4:1; these are 6.2:1 and 6.0:1.
 */
export const standardTheme: ThemeConfig = {
  token: {
    colorPrimary: '#0958d9',
    // Hovered and pressed buttons darker, not lighter (antd's #4096ff hover is 3:1 under white text).
    colorPrimaryHover: '#003eb3',
    colorPrimaryActive: '#002c8c',
    colorLink: '#0958d9',
    colorLinkHover: '#003eb3',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    // Placeholders (#737373, 4.7:1) and error messages (#cf1322, 6:1) that read.
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
    colorError: '#cf1322',
    borderRadius: 4,
    fontSize: 14,
  },
};

/**
 * 长辈版: 18 px text (antd derives headings and line heights from it), small text never under 16 px,
 * black text and secondary text at 10:1 or more, a darker blue (8.6:1 under white text), borders
 * that show (#595959, 7:1), and controls 44 px high (a fingertip).
 */
export const elderTheme: ThemeConfig = {
  token: {
    colorPrimary: '#003eb3',
    colorPrimaryHover: '#002c8c',
    colorPrimaryActive: '#001d66',
    colorLink: '#003eb3',
    colorLinkHover: '#002c8c',
    colorError: '#a8071a',
    colorText: '#000000',
    colorTextHeading: '#000000',
    colorTextSecondary: 'rgba(0, 0, 0, 0.85)',
    colorTextDescription: 'rgba(0, 0, 0, 0.8)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.8)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.65)',
    colorBorder: '#595959',
    colorSplit: 'rgba(0, 0, 0, 0.25)',
    borderRadius: 6,
    fontSize: 18,
    fontSizeSM: 16,
    fontSizeLG: 20,
    controlHeight: 44,
    controlHeightSM: 36,
    controlHeightLG: 52,
    lineHeight: 1.6,
  },
  components: {
    Menu: { itemHeight: 52, fontSize: 20, iconSize: 20 },
    Table: { cellFontSize: 18 },
    Tag: { fontSizeSM: 16 },
    Badge: { textFontSize: 16, textFontSizeSM: 14 },
  },
};
