import { Alert, Button, Card, Descriptions, Result, Space, Spin, Steps, Tag, Timeline, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { client, link, ok } from '../api';
import { FilingContentView } from '../components/FilingContentView';
import { loadSigningList } from '../components/SigningDialog';
import { type Filing, loadFiling } from '../filings';
import { useFailure } from '../forms';
import { localeOf, useLang, useT } from '../i18n';
import { fen, statusColor, useLabels } from '../labels';
import { PageTitle } from '../layout/AppLayout';
import type { CertificateSummary, PaymentOrderView, SigningList, StaffFilingView } from '../proto';
import { useSession } from '../session';
import { temporalLink, usePortalSettings } from '../settings';

const stepOf: Record<string, number> = {
  draft: 0,
  awaiting_signatures: 1,
  awaiting_submission: 1,
  awaiting_payment: 2,
  payment_verifying: 2,
  initial_review: 3,
  final_review: 4,
  certified: 5,
  delivered: 5,
  revoked: 5,
};
const stepOfStage = { initial: 3, final: 4 } as const;
/** Ended or held here: the step bar marks the step with ✕. */
const stopped = new Set(['returned', 'refused', 'expired', 'withdrawn', 'revoked']);

/**
 * The step the work stands at, or stopped at: a return or refusal marks the review that decided
 * it (初审 or 终审), which the applicant's view names in its decisions.
 */
function stepIndex(filing: Filing | StaffFilingView): number {
  const decided = ({ returned: 'return', expired: 'return', refused: 'refuse' } as const)[
    filing.status as 'returned' | 'expired' | 'refused'
  ];
  if (decided) {
    const reviews = 'reviews' in filing ? (filing.reviews ?? []) : [];
    const last = reviews.filter((r) => r.decision === decided).at(-1);
    return last ? stepOfStage[last.stage] : stepOfStage.initial;
  }
  return stepOf[filing.status] ?? 0;
}

/**
 * 纸质证书 as the admin records it: made (证书已制作), then mailed with its SF Express waybill
 * (已邮寄，顺丰到付) or waiting to be picked up (待自领) and picked up (已领取).
 */
function PaperCertificate({ filing }: { filing: Filing }) {
  const d = filing.delivery;
  const done = filing.status === 'delivered';
  const mailed = d ? d.kind === 'mailed' : filing.content.certificateDelivery !== 'pickup';
  const t = useT();
  const { lang } = useLang();
  const on = d ? new Date(d.recordedAt).toLocaleDateString(localeOf(lang)) : undefined;
  const items = mailed
    ? [
        { title: t('证书已制作') },
        { title: done ? t('已邮寄') : t('待邮寄'), description: on ? `${t('顺丰到付')} · ${on}` : t('顺丰到付') },
      ]
    : [
        { title: t('证书已制作') },
        { title: t('待自领'), description: t('收到电子发票后于工作时间内领取') },
        { title: t('已领取'), description: on },
      ];
  return (
    <Card size="small" title={t('纸质证书')} style={{ marginBottom: 16 }}>
      <Steps
        size="small"
        current={done ? items.length - 1 : 1}
        status={done ? 'finish' : 'process'}
        items={items}
        style={{ marginBottom: 8 }}
      />
      <span data-testid="delivery">
        {mailed ? (
          done ? (
            <>
              {t('已邮寄（顺丰到付）')}
              {d?.waybillNo ? (
                <>
                  {t('，运单号')}{' '}
                  <Typography.Text strong copyable data-testid="waybill">
                    {d.waybillNo}
                  </Typography.Text>
                </>
              ) : null}
            </>
          ) : (
            t('证书已制作，待邮寄（顺丰到付）')
          )
        ) : done ? (
          t('已领取（自领）')
        ) : (
          t('证书已制作，待自领（收到电子发票后于工作时间内领取）')
        )}
      </span>
    </Card>
  );
}

/** What the other services know of a registration's steps; each absent where the reader may not see it. */
interface StepRecords {
  signing?: SigningList;
  payment?: PaymentOrderView;
  certificates?: { items: CertificateSummary[] };
}

const quietly = <T,>(p: Promise<T>) => p.catch(() => undefined);

/**
 * 我的办件: the registration's steps with their dates (提交, each signature, 缴费, 初审, 终审, 发证,
 * 邮寄 or 自领), oldest first, then the step it waits on.
 */
function StepTimeline({ filing }: { filing: Filing | StaffFilingView }) {
  const [records, setRecords] = useState<StepRecords>();
  const t = useT();
  const { lang } = useLang();
  const L = useLabels();
  const { filingId, status } = filing;
  useEffect(() => {
    if (status === 'draft') return;
    Promise.all([
      quietly(loadSigningList(filingId)),
      quietly(ok(client.GET('/api/payment/orders/{filingId}', { params: { path: { filingId } } }))),
      quietly(ok(client.GET('/api/certificate/certificates/{filingId}', { params: { path: { filingId } } }))),
    ]).then(([signing, payment, certificates]) => setRecords({ signing, payment, certificates }));
  }, [filingId, status]);
  if (status === 'draft') return null;

  const done: { label: string; at: string }[] = [];
  if (filing.appliedAt) done.push({ label: t('提交'), at: filing.appliedAt });
  const signers = records?.signing?.items ?? [];
  for (const s of signers) {
    if (s.signedAt)
      done.push({ label: t('{kind}：{name}', { kind: L.signerKind[s.kind] ?? '', name: s.name }), at: s.signedAt });
  }
  if (records?.payment?.confirmedAt) done.push({ label: t('缴费'), at: records.payment.confirmedAt });
  // 退费 (不予登记, or a surplus payment): dated when finance or the gateway sent it back, else when opened.
  for (const r of records?.payment?.refunds ?? []) {
    const why = r.reason === 'surplus' ? t('（重复缴费）') : t('（不予登记）');
    const amount = fen(r.amountFen);
    done.push(
      r.doneAt
        ? { label: `${t('已退费 {amount}', { amount })}${why}`, at: r.doneAt }
        : { label: `${t('退费处理中 {amount}', { amount })}${why}`, at: r.openedAt },
    );
  }
  const reviews = 'decisions' in filing ? filing.decisions : (filing.reviews ?? []);
  for (const r of reviews) done.push({ label: L.audit(`review.${r.stage}.${r.decision}`), at: r.decidedAt });
  const first = records?.certificates?.items.at(-1);
  if (first) done.push({ label: t('发证'), at: first.issuedAt });
  if (filing.delivery) {
    done.push({
      label: filing.delivery.kind === 'mailed' ? t('邮寄（顺丰到付）') : t('已领取（自领）'),
      at: filing.delivery.recordedAt,
    });
  }
  done.sort((a, b) => a.at.localeCompare(b.at));

  // The step it waits on, by the status's one name (待缴费, 待初审 …); the signers still to sign by name.
  const unsigned = signers.filter((s) => !s.signedAt).map((s) => s.name);
  const waits: (typeof status)[] = [
    'awaiting_submission',
    'awaiting_payment',
    'payment_verifying',
    'initial_review',
    'final_review',
    'returned',
  ];
  const next =
    status === 'awaiting_signatures'
      ? `${L.status[status]}${unsigned.length ? `${t('：')}${unsigned.join(t('、'))}` : ''}`
      : status === 'certified'
        ? filing.content.certificateDelivery === 'pickup'
          ? t('待自领')
          : t('待邮寄')
        : waits.includes(status)
          ? L.status[status]
          : undefined;
  const day = (iso: string) => new Date(iso).toLocaleDateString(localeOf(lang));
  return (
    // Until every service has answered: a placeholder, never a timeline missing its later steps.
    <Card size="small" title={t('办理进度')} style={{ marginBottom: 16 }} loading={!records} data-testid="timeline">
      <Timeline
        items={[
          ...done.map((d) => ({
            color: 'green',
            children: (
              <span data-testid="timeline-step">
                {d.label} <time dateTime={d.at}>{day(d.at)}</time>
              </span>
            ),
          })),
          ...(next ? [{ color: 'gray', children: <span data-testid="timeline-next">{next}</span> }] : []),
        ]}
      />
    </Card>
  );
}

/** One registration: status, the filing, reviewers' reasons, payment, certificate and paper certificate. */
export function WorkDetail() {
  const { filingId } = useParams() as { filingId: string };
  const navigate = useNavigate();
  const [filing, setFiling] = useState<Filing | StaffFilingView>();
  const [missing, setMissing] = useState(false);
  const { has } = useSession();
  const settings = usePortalSettings();
  const fail = useFailure();
  const t = useT();
  const { lang } = useLang();
  const L = useLabels();
  const staffReader = has('initial_reviewer', 'final_reviewer', 'finance', 'admin', 'regional_staff');
  useEffect(() => {
    // Staff read through the staff view; an applicant reads their own filing.
    const load = staffReader
      ? ok(client.GET('/api/filing/staff/filings/{filingId}', { params: { path: { filingId } } }))
      : loadFiling(filingId);
    load.then(setFiling, (err) => {
      setMissing(true);
      fail(err);
    });
  }, [filingId, fail, staffReader]);
  if (missing) return <Result status="404" title={t('没有找到该作品')} />;
  if (!filing) return <Spin style={{ display: 'block', margin: 48 }} />;
  const staff = staffReader;
  return (
    <>
      <PageTitle
        extra={
          <Space>
            {staff && settings ? (
              <Button href={temporalLink(settings, filingId)} target="_blank" data-testid="temporal-link">
                {t('在 Temporal 中查看流程')}
              </Button>
            ) : null}
            <Button href={link('/api/signature/filings/{filingId}/form', { filingId })} target="_blank">
              {t('查看表单')}
            </Button>
          </Space>
        }
      >
        {filing.content.title ?? t('作品')}{' '}
        <Tag color={statusColor[filing.status]} data-testid="work-status">
          {L.status[filing.status]}
        </Tag>
      </PageTitle>
      <Steps
        size="small"
        style={{ marginBottom: 16 }}
        current={stepIndex(filing)}
        status={stopped.has(filing.status) ? 'error' : filing.status === 'delivered' ? 'finish' : undefined}
        items={[t('填报'), t('电子签章'), t('缴费'), t('初审'), t('终审'), t('发证')].map((title) => ({ title }))}
      />
      {filing.status === 'returned' ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('退回修改')}
          description={
            <>
              <div data-testid="return-reasons">{filing.remark}</div>
              <Link to={`/filings/${filingId}/edit`}>{t('修改后重新签章提交（无需重复缴费）')}</Link>
            </>
          }
        />
      ) : null}
      {filing.status === 'refused' ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('不予登记，已按规定退费')}
          description={filing.remark}
        />
      ) : null}
      <Card size="small" style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={3}>
          <Descriptions.Item label={t('流水号')}>{filing.serialNo}</Descriptions.Item>
          <Descriptions.Item label={t('申请日期')}>
            {filing.appliedAt ? new Date(filing.appliedAt).toLocaleString(localeOf(lang)) : ''}
          </Descriptions.Item>
          {filing.reviewDeadline ? (
            <Descriptions.Item label={t('办结期限')}>
              {new Date(filing.reviewDeadline).toLocaleDateString(localeOf(lang))}
            </Descriptions.Item>
          ) : null}
          {filing.registrationNumber ? (
            <Descriptions.Item label={t('登记号')}>
              <b data-testid="registration-number">{filing.registrationNumber}</b>
            </Descriptions.Item>
          ) : null}
        </Descriptions>
        {filing.status === 'certified' || filing.status === 'delivered' ? (
          <Space>
            <Button
              type="primary"
              href={link('/api/certificate/certificates/{filingId}/pdf', { filingId })}
              data-testid="download-certificate"
            >
              {t('下载证书')}
            </Button>
            {filing.registrationNumber ? (
              <Link to={`/verify/${encodeURIComponent(filing.registrationNumber)}`}>{t('证书查验')}</Link>
            ) : null}
          </Space>
        ) : null}
        {filing.status === 'awaiting_payment' || filing.status === 'payment_verifying' ? (
          <Button type="primary" onClick={() => navigate(`/filings/${filingId}/pay`)}>
            {t('缴费')}
          </Button>
        ) : null}
      </Card>
      {filing.status === 'certified' || filing.status === 'delivered' ? <PaperCertificate filing={filing} /> : null}
      <StepTimeline filing={filing} />
      <FilingContentView content={filing.content} />
    </>
  );
}
