import { permissions } from '@copyreg/proto/src/permissions';
import {
  type RevocationDecision,
  type RevocationGround,
  RevocationStatus,
  type RevocationView,
  revocationDecisionLabel,
  revocationGroundLabel,
  revocationInitiatorLabel,
  revocationStatusLabel,
} from '@copyreg/proto/src/revocation';
import {
  Alert,
  App,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  Radio,
  Result,
  Select,
  Space,
  Spin,
  Table,
  Tag,
} from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { client, link, ok } from '../api';
import { ListFilter, lines, useCommand } from '../components/ServiceParts';
import { StoredFile } from '../files';
import { Uploads, useFailure } from '../forms';
import { type T, tk, useT } from '../i18n';
import { PageTitle } from '../layout/AppLayout';
import { usePaged } from '../paging';
import type { UploadRef } from '../proto';
import { useSession } from '../session';

/**
 * 撤销登记 (作品自愿登记试行办法 Art. 6) in the portal: the applicant's list of proceedings against
 * their registrations and of those they asked for, a request (the holder's own, or an interested
 * party's with evidence, or staff on their own motion), the detail with the holder's answer within
 * the deadline, and the staff queue with the decision. The filing service's /revocations routes.
 */

const statusColor: Record<RevocationStatus, string> = {
  awaiting_answer: 'orange',
  under_review: 'blue',
  revoked: 'red',
  dismissed: 'green',
};
/** Grounds a person other than the holder, or staff, may name (not 申请人申请撤销). */
const otherGrounds: RevocationGround[] = ['facts_untrue', 'duplicate', 'refusal_ground'];

const day = (iso?: string) => (iso ? dayjs(iso).format('YYYY-MM-DD') : '');
const StatusTag = ({ status, t }: { status: RevocationStatus; t: T }) => (
  <Tag color={statusColor[status]} data-testid="revocation-status">
    {t(revocationStatusLabel[status])}
  </Tag>
);

/** The list (mine, or the staff queue) with a status filter. */
function RevocationTable({ staff }: { staff?: boolean }) {
  const t = useT();
  const [status, setStatus] = useState<RevocationStatus>();
  const list = usePaged(staff ? '/api/filing/staff/revocations' : '/api/filing/revocations', {
    status,
  });
  const base = staff ? '/staff/revocations' : '/services/revocations';
  return (
    <>
      <ListFilter<RevocationStatus>
        label={t('状态')}
        value={status}
        onChange={(v) => {
          setStatus(v);
          list.setPage(1);
        }}
        options={RevocationStatus.options.map((value) => ({ value, label: t(revocationStatusLabel[value]) }))}
      />
      <Table<RevocationView>
        rowKey="revocationId"
        size="middle"
        loading={list.loading}
        dataSource={list.items}
        pagination={list.pagination}
        scroll={{ x: 'max-content' }}
        data-testid="revocation-table"
        columns={[
          // On a phone: the title, the status and the link (the page has the rest).
          { title: t('登记号'), dataIndex: 'registrationNumber', responsive: ['md'] },
          { title: t('作品名称'), dataIndex: 'title' },
          { title: t('提出方'), render: (_v, r) => t(revocationInitiatorLabel[r.initiator]), responsive: ['md'] },
          { title: t('撤销依据'), render: (_v, r) => t(revocationGroundLabel[r.ground]), responsive: ['md'] },
          { title: t('申请日期'), render: (_v, r) => day(r.createdAt), responsive: ['md'] },
          { title: t('答复期限'), render: (_v, r) => day(r.answerDeadline), responsive: ['md'] },
          { title: t('状态'), render: (_v, r) => <StatusTag status={r.status} t={t} /> },
          {
            title: t('操作'),
            render: (_v, r) => (
              <Link to={`${base}/${r.revocationId}`} data-testid="revocation-open">
                {staff && r.status === 'under_review' ? t('审查') : t('查看')}
              </Link>
            ),
          },
        ]}
      />
    </>
  );
}

/** 其他登记服务 / 撤销登记: the applicant's proceedings, and the way to ask for one. */
export function RevocationList() {
  const t = useT();
  const navigate = useNavigate();
  return (
    <>
      <PageTitle
        extra={
          <Button type="primary" onClick={() => navigate('/services/revocations/new')} data-testid="revocation-new">
            {t('申请撤销登记')}
          </Button>
        }
      >
        {t('撤销登记')}
      </PageTitle>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        message={t(
          '对您的作品提出的撤销登记，请在答复期限内陈述意见；您也可以申请撤销本人作品的登记，或作为利害关系人提交证明材料申请撤销他人作品的登记。',
        )}
      />
      <RevocationTable />
    </>
  );
}

/** 撤销登记审查 (staff): every proceeding, oldest first; final reviewers and admin open one on their own motion. */
export function RevocationQueue() {
  const t = useT();
  const { has } = useSession();
  const navigate = useNavigate();
  return (
    <>
      <PageTitle
        extra={
          has(...permissions.decideRevocation) ? (
            <Button type="primary" onClick={() => navigate('/staff/revocations/new')} data-testid="revocation-new">
              {t('依职权撤销登记')}
            </Button>
          ) : null
        }
      >
        {t('撤销登记审查')}
      </PageTitle>
      <RevocationTable staff />
    </>
  );
}

interface RequestValues {
  registrationNumber: string;
  as: 'holder' | 'interested_party';
  ground: RevocationGround;
  statement: string;
  evidence?: UploadRef[];
}

/** 申请撤销登记: the holder's own registration, an interested party's application, or staff on their own motion. */
export function RevocationRequest({ staff }: { staff?: boolean }) {
  const t = useT();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [form] = Form.useForm<RequestValues>();
  const as = Form.useWatch('as', form);
  const { busy, run } = useCommand();
  const holder = !staff && as === 'holder';
  const submit = async () => {
    const v = await form.validateFields();
    await run(async () => {
      const body = {
        registrationNumber: v.registrationNumber.trim(),
        ground: holder ? 'holder_request' : v.ground,
        statement: v.statement,
        evidence: (v.evidence ?? []).map((e) => e.uploadId),
      } as const;
      const r = await ok(client.POST('/api/filing/revocations', { body }));
      message.success(t('撤销登记申请已提交'));
      navigate(`${staff ? '/staff/revocations' : '/services/revocations'}/${r.revocationId}`);
    }, form);
  };
  return (
    <>
      <PageTitle>{staff ? t('依职权撤销登记') : t('申请撤销登记')}</PageTitle>
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        message={
          staff
            ? t('登记机关依职权撤销登记的，著作权人将收到通知，并可在答复期限内陈述意见。')
            : t(
                '著作权人可申请撤销本人作品的登记；利害关系人申请撤销他人作品的登记，须说明理由并上传至少1份证明材料。著作权人将收到通知，并可在答复期限内陈述意见。',
              )
        }
      />
      <Form<RequestValues>
        form={form}
        layout="vertical"
        style={{ maxWidth: 640 }}
        initialValues={{
          registrationNumber: params.get('number') ?? '',
          as: 'holder',
          ground: 'facts_untrue',
          evidence: [],
        }}
        data-testid="revocation-form"
      >
        <Form.Item
          name="registrationNumber"
          label={t('登记号')}
          rules={[{ required: true, message: t('请填写登记号') }]}
        >
          <Input placeholder={t('如：浙作登字-2026-F-00000001')} />
        </Form.Item>
        {staff ? null : (
          <Form.Item name="as" label={t('申请人身份')}>
            <Radio.Group
              options={[
                { value: 'holder', label: t('著作权人本人（撤销本人作品的登记）') },
                { value: 'interested_party', label: t('利害关系人') },
              ]}
            />
          </Form.Item>
        )}
        {holder ? null : (
          <Form.Item name="ground" label={t('撤销依据')} rules={[{ required: true }]}>
            <Radio.Group
              style={{ display: 'flex', flexDirection: 'column', gap: 8 }}
              options={otherGrounds.map((g) => ({ value: g, label: t(revocationGroundLabel[g]) }))}
            />
          </Form.Item>
        )}
        <Form.Item
          name="statement"
          label={t('申请理由')}
          rules={[{ required: true, whitespace: true, message: t('请填写申请理由') }]}
        >
          <Input.TextArea rows={4} maxLength={2000} showCount />
        </Form.Item>
        <Form.Item
          name="evidence"
          label={t('证明材料')}
          rules={
            staff || holder ? [] : [{ required: true, type: 'array', min: 1, message: t('请上传至少1份证明材料') }]
          }
        >
          <Uploads
            action={link('/api/filing/uploads/{kind}', { kind: 'attachment' })}
            max={20}
            testId="revocation-evidence"
          />
        </Form.Item>
        <Space wrap>
          <Button type="primary" onClick={submit} loading={busy} data-testid="revocation-submit">
            {t('提交申请')}
          </Button>
          <Button onClick={() => navigate(-1)}>{t('返回')}</Button>
        </Space>
      </Form>
    </>
  );
}

const Evidence = ({ revocationId, files }: { revocationId: string; files: UploadRef[] }) => {
  const t = useT();
  return files.length ? (
    <Space direction="vertical" size={0}>
      {files.map((f) => (
        <StoredFile
          key={f.uploadId}
          upload={f}
          link={link('/api/filing/revocations/{revocationId}/evidence/{uploadId}/download', {
            revocationId,
            uploadId: f.uploadId,
          })}
        />
      ))}
    </Space>
  ) : (
    t('无')
  );
};

/** One proceeding: the request, the holder's answer (or the form to give it), the decision (or the form to make it). */
export function RevocationDetail({ staff }: { staff?: boolean }) {
  const { revocationId = '' } = useParams();
  const t = useT();
  const fail = useFailure();
  const { me, has } = useSession();
  const [view, setView] = useState<RevocationView>();
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    ok(client.GET('/api/filing/revocations/{revocationId}', { params: { path: { revocationId } } })).then(
      setView,
      (err) => {
        setMissing(true);
        fail(err);
      },
    );
  }, [revocationId, fail]);
  if (missing) return <Result status="404" title={t('没有找到该撤销登记')} />;
  if (!view) return <Spin style={{ display: 'block', margin: 48 }} />;
  const decider = staff && has(...permissions.decideRevocation) && me?.userId !== view.requesterId;
  // The holder (who is not shown the requester) answers until the deadline; the workflow has the last word.
  const answers =
    !staff && view.status === 'awaiting_answer' && !view.answer && !view.answerLapsed && !view.requesterId;
  return (
    <>
      <PageTitle>
        {t('撤销登记：{title}', { title: view.title })} <StatusTag status={view.status} t={t} />
      </PageTitle>
      {view.status === 'revoked' ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('该作品的登记已撤销，证书已失效')}
          data-testid="revocation-outcome"
        />
      ) : view.status === 'dismissed' ? (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('撤销登记申请已驳回，登记继续有效')}
          data-testid="revocation-outcome"
        />
      ) : null}
      <Card size="small" title={t('撤销登记申请')} style={{ marginBottom: 16 }}>
        <Descriptions column={1} size="small" bordered data-testid="revocation-request">
          <Descriptions.Item label={t('登记号')}>
            {view.registrationNumber ? (
              <Link to={`/verify/${encodeURIComponent(view.registrationNumber)}`}>{view.registrationNumber}</Link>
            ) : null}
          </Descriptions.Item>
          <Descriptions.Item label={t('作品名称')}>
            <Link to={`/filings/${view.filingId}`}>{view.title}</Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('提出方')}>{t(revocationInitiatorLabel[view.initiator])}</Descriptions.Item>
          <Descriptions.Item label={t('撤销依据')}>{t(revocationGroundLabel[view.ground])}</Descriptions.Item>
          <Descriptions.Item label={t('申请理由')}>
            <span style={{ whiteSpace: 'pre-wrap' }}>{view.statement}</span>
          </Descriptions.Item>
          <Descriptions.Item label={t('证明材料')}>
            <Evidence revocationId={view.revocationId} files={view.evidence} />
          </Descriptions.Item>
          <Descriptions.Item label={t('申请日期')}>{day(view.createdAt)}</Descriptions.Item>
          {view.answerDeadline ? (
            <Descriptions.Item label={t('答复期限')}>
              {day(view.answerDeadline)}
              {view.answerLapsed ? <Tag style={{ marginLeft: 8 }}>{t('期限内未答复')}</Tag> : null}
            </Descriptions.Item>
          ) : null}
        </Descriptions>
      </Card>
      {view.answer ? (
        <Card size="small" title={t('著作权人陈述意见')} style={{ marginBottom: 16 }} data-testid="revocation-answer">
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('陈述意见')}>
              <span style={{ whiteSpace: 'pre-wrap' }}>{view.answer.statement}</span>
            </Descriptions.Item>
            <Descriptions.Item label={t('证明材料')}>
              <Evidence revocationId={view.revocationId} files={view.answer.evidence} />
            </Descriptions.Item>
            <Descriptions.Item label={t('答复时间')}>
              {dayjs(view.answer.answeredAt).format('YYYY-MM-DD HH:mm')}
            </Descriptions.Item>
          </Descriptions>
        </Card>
      ) : null}
      {answers ? <AnswerForm view={view} onDone={setView} /> : null}
      {view.decision ? (
        <Card size="small" title={t('撤销登记决定')} style={{ marginBottom: 16 }} data-testid="revocation-decision">
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('决定')}>
              {t(revocationDecisionLabel[view.decision.decision])}
            </Descriptions.Item>
            <Descriptions.Item label={t('撤销依据')}>
              {t(revocationGroundLabel[view.decision.ground])}
            </Descriptions.Item>
            <Descriptions.Item label={t('理由')}>
              {view.decision.reasons.map((r) => (
                <div key={r}>{r}</div>
              ))}
            </Descriptions.Item>
            <Descriptions.Item label={t('决定人')}>
              {me?.userId === view.decision.decidedBy ? t('本人') : t('登记机关工作人员')}
              {staff ? <code style={{ marginLeft: 8 }}>{view.decision.decidedBy.slice(0, 8)}</code> : null}
            </Descriptions.Item>
            <Descriptions.Item label={t('决定时间')}>
              {dayjs(view.decision.decidedAt).format('YYYY-MM-DD HH:mm')}
            </Descriptions.Item>
          </Descriptions>
        </Card>
      ) : null}
      {decider && view.status === 'awaiting_answer' ? (
        <Alert type="info" showIcon message={t('著作权人的答复期限尚未届满；著作权人答复或期限届满后方可作出决定。')} />
      ) : null}
      {decider && view.status === 'under_review' ? <DecisionForm view={view} onDone={setView} /> : null}
    </>
  );
}

/** 陈述意见: the holder's statement within the deadline, with evidence if they have any. */
function AnswerForm({ view, onDone }: { view: RevocationView; onDone: (v: RevocationView) => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ statement: string; evidence?: UploadRef[] }>();
  const { busy, run } = useCommand();
  const submit = async () => {
    const v = await form.validateFields();
    await run(async () => {
      onDone(
        await ok(
          client.POST('/api/filing/revocations/{revocationId}/answer', {
            params: { path: { revocationId: view.revocationId } },
            body: { statement: v.statement, evidence: (v.evidence ?? []).map((e) => e.uploadId) },
          }),
        ),
      );
      message.success(t('陈述意见已提交'));
    }, form);
  };
  return (
    <Card size="small" title={t('陈述意见')} style={{ marginBottom: 16 }}>
      <Alert
        type="warning"
        showIcon
        style={{ marginBottom: 12 }}
        message={t('请在 {date} 前陈述意见；逾期未答复的，登记机关将依据现有材料作出决定。', {
          date: day(view.answerDeadline),
        })}
      />
      <Form form={form} layout="vertical" initialValues={{ evidence: [] }} data-testid="answer-form">
        <Form.Item
          name="statement"
          label={t('陈述意见')}
          rules={[{ required: true, whitespace: true, message: t('请填写陈述意见') }]}
        >
          <Input.TextArea rows={4} maxLength={2000} showCount />
        </Form.Item>
        <Form.Item name="evidence" label={t('证明材料')}>
          <Uploads
            action={link('/api/filing/uploads/{kind}', { kind: 'attachment' })}
            max={20}
            testId="answer-evidence"
          />
        </Form.Item>
        <Button type="primary" onClick={submit} loading={busy} data-testid="answer-submit">
          {t('提交陈述意见')}
        </Button>
      </Form>
    </Card>
  );
}

const decisionDone: Record<RevocationDecision, string> = { revoke: tk('已撤销登记'), dismiss: tk('已驳回撤销申请') };

/** 撤销 or 驳回 with the ground (the requested one by default) and the reasons, one a line. */
function DecisionForm({ view, onDone }: { view: RevocationView; onDone: (v: RevocationView) => void }) {
  const t = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ decision: RevocationDecision; ground: RevocationGround; reasons: string }>();
  const { busy, run } = useCommand();
  const submit = async () => {
    const v = await form.validateFields();
    await run(async () => {
      onDone(
        await ok(
          client.POST('/api/filing/revocations/{revocationId}/decision', {
            params: { path: { revocationId: view.revocationId } },
            body: { decision: v.decision, ground: v.ground, reasons: lines(v.reasons) },
          }),
        ),
      );
      message.success(t(decisionDone[v.decision]));
    }, form);
  };
  return (
    <Card size="small" title={t('作出决定')} style={{ marginBottom: 16 }}>
      <Form
        form={form}
        layout="vertical"
        style={{ maxWidth: 640 }}
        initialValues={{ decision: 'revoke', ground: view.ground }}
        data-testid="decision-form"
      >
        <Form.Item name="decision" label={t('决定')} rules={[{ required: true }]}>
          <Radio.Group
            optionType="button"
            options={(['revoke', 'dismiss'] as const).map((d) => ({ value: d, label: t(revocationDecisionLabel[d]) }))}
          />
        </Form.Item>
        <Form.Item name="ground" label={t('撤销依据')} rules={[{ required: true }]}>
          <Select
            options={Object.entries(revocationGroundLabel).map(([value, label]) => ({ value, label: t(label) }))}
          />
        </Form.Item>
        <Form.Item
          name="reasons"
          label={t('理由')}
          extra={t('每行一条理由')}
          rules={[{ required: true, whitespace: true, message: t('请填写理由') }]}
        >
          <Input.TextArea rows={4} maxLength={2000} />
        </Form.Item>
        <Button type="primary" onClick={submit} loading={busy} data-testid="decision-submit">
          {t('提交决定')}
        </Button>
      </Form>
    </Card>
  );
}
