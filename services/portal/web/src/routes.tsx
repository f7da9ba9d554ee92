import { permissions } from '@copyreg/proto/src/permissions';
import { Button, Result, Spin } from 'antd';
import { type ComponentType, createElement, lazy, type ReactNode, useState } from 'react';
import { Route, Routes as RouterRoutes, useParams } from 'react-router-dom';
import { useT } from './i18n';
import { AppLayout } from './layout/AppLayout';
import { Home } from './pages/Home';
import type { Role } from './proto';
import { loginUrl, useSession } from './session';

/**
 * Each page is its own chunk, loaded when first visited (the layout's Suspense shows a spinner
 * meanwhile), so the first load carries the layout and one page, not the whole portal. The landing
 * page (Home, imported above) comes with the entry: its code downloads with it, not after it runs.
 */
const loaders: (() => Promise<unknown>)[] = [];
const page = <K extends string>(load: () => Promise<Record<K, ComponentType<never>>>, name: K) => {
  type Props = Record<string, unknown>;
  let loaded: ComponentType<Props> | undefined;
  const loadPage = () =>
    load().then((m) => {
      loaded = m[name] as ComponentType<Props>;
      return { default: loaded };
    });
  loaders.push(loadPage);
  const Lazy = lazy(loadPage);
  // Once its chunk is here (prefetched), a page renders at once: through lazy() its first render
  // would still suspend for a microtask, and React holds a Suspense boundary's content back for
  // 300 ms after its fallback showed (0.2-0.5 s of every first visit to a page). The choice is
  // kept for the page's life: switching from Lazy to the loaded type would remount it.
  // biome-ignore lint/correctness/noComponentHookFactories: made once per page, at module level, as lazy() is
  return function Page(props: Props) {
    const [Component] = useState(() => loaded ?? Lazy);
    return createElement(Component, props);
  };
};
/**
 * Once the first page is on screen and the browser is idle, the other pages' chunks are fetched
 * in the background (into the cache), so a later page change waits for its data only.
 */
export function prefetchPages() {
  const idle = window.requestIdleCallback ?? ((f: () => void) => setTimeout(f, 200));
  idle(() => {
    for (const load of loaders) void load().catch(() => undefined);
  });
}
const Verify = page(() => import('./pages/Verify'), 'Verify');
const Profile = page(() => import('./pages/Profile'), 'Profile');
const FilingForm = page(() => import('./pages/FilingForm'), 'FilingForm');
const WorkList = page(() => import('./pages/WorkList'), 'WorkList');
const WorkDetail = page(() => import('./pages/WorkDetail'), 'WorkDetail');
const Payment = page(() => import('./pages/Payment'), 'Payment');
const SigningPage = page(() => import('./pages/SigningPage'), 'SigningPage');
const ReviewQueue = page(() => import('./pages/Review'), 'ReviewQueue');
const ReviewDetail = page(() => import('./pages/Review'), 'ReviewDetail');
const FinanceOffline = page(() => import('./pages/Finance'), 'FinanceOffline');
const FinanceRefunds = page(() => import('./pages/Finance'), 'FinanceRefunds');
const AdminUsers = page(() => import('./pages/Admin'), 'AdminUsers');
const AdminDelivery = page(() => import('./pages/Admin'), 'AdminDelivery');
const Registry = page(() => import('./pages/Registry'), 'Registry');
const Statistics = page(() => import('./pages/Statistics'), 'Statistics');
const OtherServices = page(() => import('./pages/OtherServices'), 'OtherServices');
const RevocationList = page(() => import('./pages/Revocation'), 'RevocationList');
const RevocationQueue = page(() => import('./pages/Revocation'), 'RevocationQueue');
const RevocationRequest = page(() => import('./pages/Revocation'), 'RevocationRequest');
const RevocationDetail = page(() => import('./pages/Revocation'), 'RevocationDetail');
const ServiceRequestList = page(() => import('./pages/ServiceRequests'), 'ServiceRequestList');
const ServiceRequestForm = page(() => import('./pages/ServiceRequests'), 'ServiceRequestForm');
const ServiceRequestDetail = page(() => import('./pages/ServiceRequests'), 'ServiceRequestDetail');
const ServiceRequestQueue = page(() => import('./pages/ServiceRequests'), 'ServiceRequestQueue');

/** A page for logged-in users (with one of the roles, when given). */
function Private({ roles, children }: { roles?: Role[]; children: ReactNode }) {
  const { me, has } = useSession();
  const t = useT();
  if (me === undefined) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (me === null) {
    return (
      <Result
        status="403"
        title={t('请先登录')}
        subTitle={t('请通过浙江政务服务网登录后办理作品自愿登记。')}
        extra={
          <Button type="primary" href={loginUrl()} data-testid="login">
            {t('通过浙江政务服务网登录')}
          </Button>
        }
      />
    );
  }
  if (roles && !has(...roles)) return <Result status="403" title={t('您没有访问此页面的权限')} />;
  return <>{children}</>;
}

/** A request under review at the stage in the address (业务初审 / 业务终审). */
function StaffServiceRequest() {
  const { stage } = useParams();
  return <ServiceRequestDetail staffStage={stage === 'final' ? 'final' : 'initial'} />;
}

function NotFound() {
  const t = useT();
  return <Result status="404" title={t('页面不存在')} />;
}

export function Routes() {
  return (
    <RouterRoutes>
      <Route element={<AppLayout />}>
        <Route index element={<Home />} />
        <Route path="verify" element={<Verify />} />
        <Route path="verify/:number" element={<Verify />} />
        <Route path="registry" element={<Registry />} />
        <Route
          path="profile"
          element={
            <Private roles={['applicant']}>
              <Profile />
            </Private>
          }
        />
        <Route
          path="filings/new"
          element={
            <Private roles={['applicant']}>
              <FilingForm />
            </Private>
          }
        />
        <Route
          path="filings/:filingId/edit"
          element={
            <Private roles={['applicant']}>
              <FilingForm />
            </Private>
          }
        />
        <Route
          path="works/:view"
          element={
            <Private roles={['applicant']}>
              <WorkList />
            </Private>
          }
        />
        <Route
          path="regional"
          element={
            <Private roles={['regional_staff']}>
              <WorkList regional />
            </Private>
          }
        />
        <Route
          path="filings/:filingId"
          element={
            <Private>
              <WorkDetail />
            </Private>
          }
        />
        <Route
          path="filings/:filingId/pay"
          element={
            <Private roles={['applicant']}>
              <Payment />
            </Private>
          }
        />
        <Route
          path="sign/:token"
          element={
            <Private>
              <SigningPage />
            </Private>
          }
        />
        <Route
          path="staff/review/:stage"
          element={
            <Private roles={['initial_reviewer', 'final_reviewer']}>
              <ReviewQueue />
            </Private>
          }
        />
        <Route
          path="staff/review/:stage/:filingId"
          element={
            <Private roles={['initial_reviewer', 'final_reviewer']}>
              <ReviewDetail />
            </Private>
          }
        />
        <Route
          path="staff/finance/offline"
          element={
            <Private roles={['finance']}>
              <FinanceOffline />
            </Private>
          }
        />
        <Route
          path="staff/finance/refunds"
          element={
            <Private roles={['finance']}>
              <FinanceRefunds />
            </Private>
          }
        />
        <Route
          path="staff/admin/users"
          element={
            <Private roles={['admin']}>
              <AdminUsers />
            </Private>
          }
        />
        <Route
          path="staff/admin/delivery"
          element={
            <Private roles={['admin']}>
              <AdminDelivery />
            </Private>
          }
        />
        <Route
          path="staff/statistics"
          element={
            <Private roles={['initial_reviewer', 'final_reviewer', 'admin']}>
              <Statistics />
            </Private>
          }
        />
        <Route
          path="services"
          element={
            <Private roles={['applicant']}>
              <OtherServices />
            </Private>
          }
        />
        <Route
          path="services/revocations"
          element={
            <Private roles={['applicant']}>
              <RevocationList />
            </Private>
          }
        />
        <Route
          path="services/revocations/new"
          element={
            <Private roles={['applicant']}>
              <RevocationRequest />
            </Private>
          }
        />
        <Route
          path="services/revocations/:revocationId"
          element={
            <Private roles={['applicant']}>
              <RevocationDetail />
            </Private>
          }
        />
        <Route
          path="services/requests/:list"
          element={
            <Private roles={['applicant']}>
              <ServiceRequestList />
            </Private>
          }
        />
        <Route
          path="services/new/:kind"
          element={
            <Private roles={['applicant']}>
              <ServiceRequestForm />
            </Private>
          }
        />
        <Route
          path="service-requests/:requestId"
          element={
            <Private roles={['applicant']}>
              <ServiceRequestDetail />
            </Private>
          }
        />
        <Route
          path="staff/service-requests/:stage"
          element={
            <Private roles={['initial_reviewer', 'final_reviewer']}>
              <ServiceRequestQueue />
            </Private>
          }
        />
        <Route
          path="staff/service-requests/:stage/:requestId"
          element={
            <Private roles={['initial_reviewer', 'final_reviewer']}>
              <StaffServiceRequest />
            </Private>
          }
        />
        <Route
          path="staff/revocations"
          element={
            <Private roles={[...permissions.readRevocations]}>
              <RevocationQueue />
            </Private>
          }
        />
        <Route
          path="staff/revocations/new"
          element={
            <Private roles={[...permissions.decideRevocation]}>
              <RevocationRequest staff />
            </Private>
          }
        />
        <Route
          path="staff/revocations/:revocationId"
          element={
            <Private roles={[...permissions.readRevocations]}>
              <RevocationDetail staff />
            </Private>
          }
        />
        <Route path="*" element={<NotFound />} />
      </Route>
    </RouterRoutes>
  );
}
