import {
  AuditOutlined,
  BankOutlined,
  FileAddOutlined,
  HomeOutlined,
  SafetyCertificateOutlined,
  SettingOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Badge, Button, Dropdown, Layout, Menu, type MenuProps, Space, Typography } from 'antd';
import type { ReactNode } from 'react';
import { Link, Outlet, useLocation, useNavigate } from 'react-router-dom';
import { post } from '../api';
import { useCounts } from '../counts';
import { useLang, useT } from '../i18n';
import { roleLabel } from '../labels';
import { loginUrl, useSession } from '../session';

const { Header, Sider, Content, Footer } = Layout;

/** The sidebar of the manual (用户信息, 作品自愿登记, 已提交作品, 下级部门作品) and the staff sections by role. */
export function AppLayout() {
  const { me, has } = useSession();
  const t = useT();
  const { lang, setLang } = useLang();
  const location = useLocation();
  const navigate = useNavigate();
  const applicant = has('applicant');
  const [counts] = useCounts(applicant, location.pathname);

  type Item = NonNullable<MenuProps['items']>[number];
  const item = (path: string, zh: string, count?: keyof typeof counts) => ({
    key: path,
    label: (
      <Link to={path} data-menu={zh}>
        <Space size={6}>
          {t(zh)}
          {count !== undefined && counts[count] !== undefined ? (
            <Badge count={counts[count]} showZero size="small" color={counts[count] ? '#1677ff' : '#bbb'} />
          ) : null}
        </Space>
      </Link>
    ),
  });

  const items: Item[] = [{ ...item('/', '首页'), icon: <HomeOutlined /> }];
  if (applicant) {
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
  items.push({ ...item('/verify', '证书查验'), icon: <SafetyCertificateOutlined /> });

  // The sidebar entry a page belongs to: the form pages to 作品填报, payment to 待缴费作品.
  const path = location.pathname;
  const selected = [
    path === '/filings/new' || path.endsWith('/edit')
      ? '/filings/new'
      : path.endsWith('/pay')
        ? '/works/to_pay'
        : path.startsWith('/staff/review/')
          ? path.split('/').slice(0, 4).join('/')
          : path,
  ];

  const logout = async () => {
    await post('/api/identity/logout').catch(() => undefined);
    window.location.href = '/';
  };

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Header style={{ display: 'flex', alignItems: 'center', background: '#0b4ea2', paddingInline: 24 }}>
        <Link to="/" style={{ color: '#fff', fontSize: 18, fontWeight: 600, whiteSpace: 'nowrap' }}>
          <SafetyCertificateOutlined /> {t('作品自愿登记平台')}
        </Link>
        <Typography.Text style={{ color: '#cfe0ff', marginLeft: 16 }}>{t('浙江省版权局')}</Typography.Text>
        <div style={{ flex: 1 }} />
        <Space size="middle">
          <Button
            type="text"
            size="small"
            style={{ color: '#fff' }}
            onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
            data-testid="lang-switch"
          >
            {lang === 'zh' ? 'English' : '中文'}
          </Button>
          {me ? (
            <Dropdown
              menu={{
                items: [
                  { key: 'profile', label: t('资料完善'), onClick: () => navigate('/profile') },
                  { key: 'logout', label: t('退出'), onClick: logout },
                ],
              }}
            >
              <span style={{ color: '#fff', cursor: 'pointer' }} data-testid="current-user">
                <UserOutlined /> {me.name ?? me.profile?.name ?? '用户'}{' '}
                <span style={{ opacity: 0.75 }}>({me.roles.map((r) => roleLabel[r]).join('、')})</span>
              </span>
            </Dropdown>
          ) : me === null ? (
            <Button href={loginUrl()} type="primary" ghost style={{ color: '#fff', borderColor: '#fff' }}>
              {t('登录')}
            </Button>
          ) : null}
        </Space>
      </Header>
      <Layout>
        {me ? (
          <Sider width={310} theme="light" style={{ borderRight: '1px solid #f0f0f0' }}>
            <Menu
              mode="inline"
              selectedKeys={selected}
              defaultOpenKeys={['user', 'works', 'submitted', 'regional', 'review', 'finance', 'admin']}
              items={items}
              style={{ borderInlineEnd: 0 }}
            />
          </Sider>
        ) : null}
        <Layout style={{ padding: 24 }}>
          <Content style={{ background: '#fff', padding: 24, borderRadius: 4, minHeight: 480 }}>
            <Outlet />
          </Content>
          <Footer style={{ textAlign: 'center', color: '#888', fontSize: 12 }}>
            浙江版权服务中心（浙江省版权协会） · 服务咨询热线 0571-85062879 · 工作时间：工作日 8:30-11:30 14:00-17:00
          </Footer>
        </Layout>
      </Layout>
    </Layout>
  );
}

/** A page's title bar. */
export function PageTitle({ children, extra }: { children: ReactNode; extra?: ReactNode }) {
  return (
    <div style={{ display: 'flex', alignItems: 'center', marginBottom: 16 }}>
      <Typography.Title level={4} style={{ margin: 0, flex: 1 }}>
        {children}
      </Typography.Title>
      {extra}
    </div>
  );
}
