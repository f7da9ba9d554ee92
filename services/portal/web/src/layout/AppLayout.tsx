import {
  AppstoreOutlined,
  AuditOutlined,
  BankOutlined,
  BarChartOutlined,
  FileAddOutlined,
  HomeOutlined,
  MenuOutlined,
  ProfileOutlined,
  SafetyCertificateOutlined,
  SettingOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { permissions } from '@copyreg/proto/src/permissions';
import { Badge, Button, Drawer, Dropdown, Layout, Menu, type MenuProps, Space, Spin, Typography, theme } from 'antd';
import {
  type AnchorHTMLAttributes,
  memo,
  type ReactNode,
  type RefObject,
  Suspense,
  useCallback,
  useEffect,
  useMemo,
  useRef,
  useState,
} from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { client, getEarly } from '../api';
import { type Counts, useCounts } from '../counts';
import { useElder } from '../elder';
import { useLang, useT } from '../i18n';
import { useLabels } from '../labels';
import { firstPageSize } from '../paging';
import { afterNextPaint } from '../paint';
import { useMediaQuery } from '../prerendered';
import { loginUrl, useSession } from '../session';

const { Header, Sider, Content, Footer } = Layout;

/** Wide enough for the sidebar beside the page (antd's lg breakpoint); narrower, it is a drawer. */
export const wideQuery = '(min-width: 992px)';
export const useWide = () => useMediaQuery(wideQuery, (view) => view.wide, true);

/**
 * After a page change, focus goes to the new page's heading (its h1), so a screen reader reads
 * where the user is and Tab starts from the page, not from the top of the sidebar. The first
 * load leaves focus alone (the skip link comes first). Pages load their data, so the heading is
 * looked for a few times.
 */
function useFocusHeadingOnNavigation(path: string) {
  const first = useRef(true);
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every page change
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    let tries = 0;
    const timer = setInterval(() => {
      const main = document.getElementById('main');
      const heading = main?.querySelector<HTMLElement>('h1');
      if (heading || ++tries > 40) {
        clearInterval(timer);
        const target = heading ?? main;
        if (!target) return;
        if (!target.hasAttribute('tabindex')) target.setAttribute('tabindex', '-1');
        target.focus({ preventScroll: false });
      }
    }, 50);
    return () => clearInterval(timer);
  }, [path]);
}

/**
 * A table wider than its place scrolls sideways inside itself (index.html): it then takes the
 * keyboard focus, so that the arrow keys scroll it (WCAG 2.1.1; axe's scrollable-region-focusable),
 * and is named as a region. Watched as pages load and resize.
 */
function useScrollableTablesFocusable(label: string) {
  useEffect(() => {
    let frame = 0;
    const update = () => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        for (const el of document.querySelectorAll<HTMLElement>('#main .ant-table-content')) {
          const scrolls = el.scrollWidth > el.clientWidth + 1;
          if (scrolls && !el.hasAttribute('tabindex')) {
            el.setAttribute('tabindex', '0');
            el.setAttribute('role', 'region');
            el.setAttribute('aria-label', label);
          } else if (!scrolls && el.getAttribute('role') === 'region') {
            el.removeAttribute('tabindex');
            el.removeAttribute('role');
            el.removeAttribute('aria-label');
          }
        }
      });
    };
    const main = document.getElementById('main');
    const mutations = new MutationObserver(update);
    if (main) mutations.observe(main, { childList: true, subtree: true });
    window.addEventListener('resize', update);
    update();
    return () => {
      cancelAnimationFrame(frame);
      mutations.disconnect();
      window.removeEventListener('resize', update);
    };
  }, [label]);
}

/**
 * A value that follows another once the browser has painted: the sidebar's selection moves just
 * after the new page shows, so the click's own render is the page's, not the menu's too (re-rendering
 * antd's menu for its selection took a quarter of a page change under a slow CPU).
 */
function useAfterPaint<T>(value: T): T {
  const [shown, setShown] = useState(value);
  useEffect(() => {
    if (Object.is(shown, value)) return;
    return afterNextPaint(() => setShown(value));
  }, [shown, value]);
  return shown;
}

/** The sidebar entry a page belongs to: the form pages to 作品填报, payment to 待缴费作品. */
function menuKeyOf(path: string, elder: boolean): string {
  if (path === '/filings/new' || path.endsWith('/edit')) return '/filings/new';
  if (path.endsWith('/pay')) return '/works/to_pay';
  if (path.startsWith('/staff/review/')) return path.split('/').slice(0, 4).join('/');
  if (elder && path.startsWith('/services/')) return '/services';
  if (/^\/(services|staff)\/revocations\//.test(path)) return path.split('/').slice(0, 3).join('/');
  if (path.startsWith('/services/new/') || path.startsWith('/service-requests/')) return '/services';
  if (path.startsWith('/staff/service-requests/')) return path.split('/').slice(0, 4).join('/');
  if (elder && (path.startsWith('/works/') || path.startsWith('/filings/'))) return '/works/all';
  return path;
}

/**
 * A work list's first page is asked for as soon as its link is pointed at or focused (api.ts), so
 * that it is on its way while the click's page change renders.
 */
function askEarly(path: string) {
  const list = /^\/works\/(\w+)$/.exec(path)?.[1];
  if (!list) return {};
  const ask = () => getEarly('/api/filing/filings', { list, page: 1, pageSize: firstPageSize });
  return { onPointerEnter: ask, onFocus: ask };
}

/**
 * A sidebar link. React Router's Link follows the location, so each of the sidebar's ~20 links drew
 * itself again on every page change; this one only navigates, through the layout's `go`. A click
 * with a modifier key or another button is the browser's (a new tab or window).
 */
function MenuLink({
  to,
  go,
  children,
  ...rest
}: { to: string; go: (path: string) => void; children: ReactNode } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  return (
    <a
      href={to}
      {...rest}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.altKey || e.ctrlKey || e.shiftKey) return;
        e.preventDefault();
        go(to);
      }}
    >
      {children}
    </a>
  );
}

const openGroups = [
  'user',
  'works',
  'submitted',
  'services',
  'regional',
  'review',
  'staff-services',
  'finance',
  'admin',
];

/**
 * The sidebar of the manual (用户信息, 作品自愿登记, 已提交作品, 下级部门作品) and the staff sections by
 * role. Its items are made again only when the user, the mode, the language or the counts change:
 * a page change only moves the selection.
 */
const NavMenu = memo(function NavMenu({
  selected,
  counts,
  go,
}: {
  selected: string;
  counts: Counts;
  go: (path: string) => void;
}) {
  const { has } = useSession();
  const t = useT();
  const { elder } = useElder();
  const items = useMemo(() => {
    type Item = NonNullable<MenuProps['items']>[number];
    const item = (path: string, zh: string, count?: keyof Counts) => ({
      key: path,
      label: (
        <MenuLink to={path} go={go} data-menu={zh} {...askEarly(path)}>
          <Space size={6}>
            {t(zh)}
            {count !== undefined && counts[count] !== undefined ? (
              <Badge
                count={counts[count]}
                showZero
                size={elder ? 'default' : 'small'}
                color={counts[count] ? '#0958d9' : '#666'}
              />
            ) : null}
          </Space>
        </MenuLink>
      ),
    });
    const applicant = has('applicant');
    const items: Item[] = [{ ...item('/', '首页'), icon: <HomeOutlined /> }];
    if (applicant && elder) {
      // 长辈版: the few pages an applicant needs, one level, no groups to open.
      items.push(
        { ...item('/profile', '资料完善'), icon: <UserOutlined /> },
        { ...item('/filings/new', '作品填报'), icon: <FileAddOutlined /> },
        { ...item('/works/all', '我的作品', 'all'), icon: <AuditOutlined /> },
        { ...item('/services', '其他登记服务'), icon: <AppstoreOutlined /> },
      );
    } else if (applicant) {
      items.push(
        { key: 'user', icon: <UserOutlined />, label: t('用户信息'), children: [item('/profile', '资料完善')] },
        {
          key: 'works',
          icon: <FileAddOutlined />,
          label: t('作品自愿登记'),
          children: [
            item('/filings/new', '作品填报'),
            item('/works/to_submit', '待提交作品（含初审退回作品）', 'to_submit'),
            item('/works/to_sign', '待签章作品', 'to_sign'),
            item('/works/to_pay', '待缴费作品', 'to_pay'),
            item('/works/all', '作品列表', 'all'),
          ],
        },
        {
          key: 'submitted',
          icon: <AuditOutlined />,
          label: t('已提交作品'),
          children: [
            item('/works/initial_review', '待初审作品', 'initial_review'),
            item('/works/final_review', '待终审作品', 'final_review'),
            item('/works/certified', '已发证作品', 'certified'),
            item('/works/other', '其他', 'other'),
          ],
        },
        {
          key: 'services',
          icon: <AppstoreOutlined />,
          label: t('其他登记服务'),
          children: [
            item('/services', '申请办理'),
            item('/services/requests/to_submit', '待提交业务'),
            item('/services/requests/to_sign', '待签章业务'),
            item('/services/requests/awaiting_me', '待我确认'),
            item('/services/requests/in_review', '审核中业务'),
            item('/services/requests/done', '已办结业务'),
            item('/services/revocations', '撤销登记'),
          ],
        },
      );
    }
    if (has('regional_staff')) {
      items.push({
        key: 'regional',
        icon: <TeamOutlined />,
        label: t('下级部门作品'),
        children: [item('/regional', '下级部门作品')],
      });
    }
    if (has('initial_reviewer') || has('final_reviewer')) {
      const review: Item[] = [];
      if (has('initial_reviewer')) review.push(item('/staff/review/initial', '初审'));
      if (has('final_reviewer')) review.push(item('/staff/review/final', '终审'));
      items.push({ key: 'review', icon: <AuditOutlined />, label: t('作品审核'), children: review });
    }
    if (has(...permissions.readRevocations)) {
      const services: Item[] = [];
      if (has('initial_reviewer')) services.push(item('/staff/service-requests/initial', '业务初审'));
      if (has('final_reviewer')) services.push(item('/staff/service-requests/final', '业务终审'));
      services.push(item('/staff/revocations', '撤销登记审查'));
      items.push({ key: 'staff-services', icon: <AppstoreOutlined />, label: t('其他登记服务'), children: services });
    }
    if (has('finance')) {
      items.push({
        key: 'finance',
        icon: <BankOutlined />,
        label: t('缴费核对'),
        children: [item('/staff/finance/offline', '线下付款核对'), item('/staff/finance/refunds', '退费')],
      });
    }
    if (has('admin')) {
      items.push({
        key: 'admin',
        icon: <SettingOutlined />,
        label: t('管理'),
        children: [item('/staff/admin/users', '用户类别'), item('/staff/admin/delivery', '纸质证书发放')],
      });
    }
    if (has('initial_reviewer') || has('final_reviewer') || has('admin')) {
      items.push({ ...item('/staff/statistics', '统计'), icon: <BarChartOutlined /> });
    }
    items.push({ ...item('/verify', '证书查验'), icon: <SafetyCertificateOutlined /> });
    if (!elder) items.push({ ...item('/registry', '登记公告'), icon: <ProfileOutlined /> });
    return items;
  }, [has, t, elder, counts, go]);
  const selectedKeys = useMemo(() => [selected], [selected]);
  return (
    <nav aria-label={t('导航')}>
      <Menu
        mode="inline"
        selectedKeys={selectedKeys}
        defaultOpenKeys={openGroups}
        items={items}
        // The sidebar is never collapsed, so its items' titles never show as tooltips: without them
        // each item is one component, not a tooltip's five, and no hover timer re-renders it.
        tooltip={false}
        style={{ borderInlineEnd: 0 }}
      />
    </nav>
  );
});

/** The header bar: the platform's name, 长辈版, the language, the user's menu. Unchanged by a page change. */
const TopBar = memo(function TopBar({
  wide,
  drawer,
  onMenu,
  onProfile,
  menuButton,
}: {
  wide: boolean;
  drawer: boolean;
  onMenu: () => void;
  onProfile: () => void;
  menuButton: RefObject<HTMLButtonElement | null>;
}) {
  const { me } = useSession();
  const t = useT();
  const { lang, setLang } = useLang();
  const { elder, setElder } = useElder();
  const L = useLabels();
  const { token } = theme.useToken();
  const logout = async () => {
    await client.POST('/api/identity/logout').catch(() => undefined);
    window.location.href = '/';
  };
  const userName = me ? (me.name ?? me.profile?.name ?? t('用户')) : '';
  return (
    <Header
      style={{
        display: 'flex',
        alignItems: 'center',
        gap: 8,
        background: '#0b4ea2',
        paddingInline: wide ? 24 : 8,
      }}
    >
      {me && !wide ? (
        <Button
          type="text"
          icon={<MenuOutlined />}
          ref={menuButton}
          aria-label={t('菜单')}
          aria-expanded={drawer}
          onClick={onMenu}
          style={{ color: '#fff' }}
          data-testid="menu-button"
        />
      ) : null}
      <Link
        to="/"
        style={{
          color: '#fff',
          fontSize: elder ? 22 : wide ? 18 : 16,
          fontWeight: 600,
          whiteSpace: 'nowrap',
          overflow: 'hidden',
          textOverflow: 'ellipsis',
          minWidth: 0,
        }}
      >
        <SafetyCertificateOutlined /> {t('作品自愿登记平台')}
      </Link>
      {wide ? <Typography.Text style={{ color: '#cfe0ff', marginLeft: 8 }}>{t('浙江省版权局')}</Typography.Text> : null}
      <div style={{ flex: 1 }} />
      <Space size={wide ? 'middle' : 0}>
        <Button
          type="text"
          size="small"
          // On: shown pressed (white), and pressed again goes back to the standard view.
          style={{
            color: elder ? '#0b4ea2' : '#fff',
            background: elder ? '#fff' : undefined,
            paddingInline: wide ? 8 : 4,
            fontSize: token.fontSize,
          }}
          onClick={() => setElder(!elder)}
          aria-pressed={elder}
          title={elder ? t('回到标准版') : t('长辈版：大字、高对比、简化菜单')}
          data-testid="elder-switch"
        >
          {t('长辈版')}
        </Button>
        <Button
          type="text"
          size="small"
          style={{ color: '#fff', paddingInline: wide ? 8 : 4, fontSize: token.fontSize }}
          onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
          lang={lang === 'zh' ? 'en' : 'zh-CN'}
          data-testid="lang-switch"
        >
          {lang === 'zh' ? (wide ? 'English' : 'EN') : '中文'}
        </Button>
        {me ? (
          <Dropdown
            trigger={['click', 'hover']}
            menu={{
              items: [
                { key: 'profile', label: t('资料完善'), onClick: onProfile },
                { key: 'logout', label: <span data-testid="logout">{t('退出')}</span>, onClick: logout },
              ],
            }}
          >
            <Button
              type="text"
              style={{ color: '#fff', maxWidth: wide ? 420 : 120, paddingInline: 6 }}
              data-testid="current-user"
              aria-label={t('{name}：资料完善、退出', { name: userName })}
            >
              <span style={{ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }}>
                <UserOutlined /> {userName}
                {wide ? <span style={{ opacity: 0.85 }}> ({me.roles.map((r) => L.role[r]).join(t('、'))})</span> : null}
              </span>
            </Button>
          </Dropdown>
        ) : me === null ? (
          <Button href={loginUrl()} type="primary" ghost style={{ color: '#fff', borderColor: '#fff' }}>
            {t('登录')}
          </Button>
        ) : null}
      </Space>
    </Header>
  );
});

/** The office's contact line. */
const PageFooter = memo(function PageFooter({ wide }: { wide: boolean }) {
  const t = useT();
  const { elder } = useElder();
  const { token } = theme.useToken();
  return (
    <Footer
      style={{
        textAlign: 'center',
        color: elder ? '#000' : '#595959',
        fontSize: token.fontSizeSM,
        paddingInline: wide ? 50 : 8,
      }}
    >
      {t('浙江版权服务中心（浙江省版权协会） · 服务咨询热线 0571-85062879 · 工作时间：工作日 8:30-11:30 14:00-17:00')}
    </Footer>
  );
});

/**
 * The page around the routes' pages. A page change re-renders this and the page, while the header,
 * the sidebar's items and the footer (memo above) are kept: under a slow CPU their render was a
 * good part of the change.
 */
export function AppLayout() {
  const { me, has } = useSession();
  const t = useT();
  const { elder } = useElder();
  const location = useLocation();
  const navigate = useNavigate();
  const [counts] = useCounts(has('applicant'), location.pathname);
  const wide = useWide();
  const [drawer, setDrawer] = useState(false);
  const drawerPath = useRef('');
  const menuButton = useRef<HTMLButtonElement>(null);
  useFocusHeadingOnNavigation(location.pathname);
  useScrollableTablesFocusable(t('表格（可左右滚动）'));
  // A link followed in the drawer closes it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs on every page change
  useEffect(() => setDrawer(false), [location.pathname]);
  // The header's callbacks stay the same across page changes (navigate does not: it follows the location).
  const latestNavigate = useRef(navigate);
  useEffect(() => {
    latestNavigate.current = navigate;
  });
  const go = useCallback((path: string) => latestNavigate.current(path), []);
  const openProfile = useCallback(() => go('/profile'), [go]);
  const openDrawer = useCallback(() => setDrawer(true), []);
  const selected = useAfterPaint(menuKeyOf(location.pathname, elder));
  const menu = <NavMenu selected={selected} counts={counts} go={go} />;

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <a href="#main" className="skip-link">
        {t('跳到主要内容')}
      </a>
      <TopBar wide={wide} drawer={drawer} onMenu={openDrawer} onProfile={openProfile} menuButton={menuButton} />
      <Layout>
        {me && wide ? (
          <Sider width={elder ? 280 : 310} theme="light" style={{ borderRight: '1px solid #f0f0f0' }}>
            {menu}
          </Sider>
        ) : null}
        {me && !wide ? (
          <Drawer
            placement="left"
            open={drawer}
            onClose={() => setDrawer(false)}
            size={drawer ? Math.min(310, window.innerWidth - 40) : 310}
            title={t('作品自愿登记平台')}
            styles={{ body: { padding: 0 } }}
            data-testid="menu-drawer"
            // Closed by a link: focus stays on the new page's heading; closed otherwise: back to the menu button.
            focusable={{ focusTriggerAfterClose: false }}
            afterOpenChange={(open) => {
              if (open) {
                drawerPath.current = location.pathname;
              } else if (drawerPath.current === location.pathname) {
                menuButton.current?.focus();
              } else {
                document.querySelector<HTMLElement>('#main h1')?.focus();
              }
            }}
          >
            {menu}
          </Drawer>
        ) : null}
        <Layout style={{ padding: wide ? 24 : 8 }}>
          <Content
            id="main"
            tabIndex={-1}
            style={{ background: '#fff', padding: wide ? 24 : 12, borderRadius: 4, minHeight: 480, minWidth: 0 }}
          >
            <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>
              <Outlet />
              <FirstPageShown />
            </Suspense>
          </Content>
          <PageFooter wide={wide} />
        </Layout>
      </Layout>
    </Layout>
  );
}

/**
 * Marks when the first page is on screen and answers (performance.mark, and <html data-app>):
 * rendered by the app, or rendered by the server and taken over by the app.
 */
function FirstPageShown() {
  useEffect(() => {
    if (performance.getEntriesByName('portal:interactive').length > 0) return;
    performance.mark('portal:interactive');
    const html = document.documentElement;
    html.dataset.app = html.dataset.app === 'hydrating' ? 'hydrated' : 'rendered';
  }, []);
  return null;
}

/** A page's title bar. */
export function PageTitle({ children, extra }: { children: ReactNode; extra?: ReactNode }) {
  const { elder } = useElder();
  return (
    <div style={{ display: 'flex', alignItems: 'center', flexWrap: 'wrap', gap: 8, marginBottom: 16 }}>
      <Typography.Title
        level={1}
        tabIndex={-1}
        style={{ margin: 0, flex: 1, fontSize: elder ? 28 : 20, lineHeight: 1.4 }}
      >
        {children}
      </Typography.Title>
      {extra}
    </div>
  );
}
