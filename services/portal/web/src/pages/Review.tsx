import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Form,
  Image,
  Input,
  Radio,
  Row,
  Select,
  Space,
  Spin,
  Table,
  Tag,
  Timeline,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useRef, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { client, link, ok } from '../api';
import { FilingContentView } from '../components/FilingContentView';
import { IdentityProofs } from '../components/IdentityProofs';
import { ReviewChecks } from '../components/ReviewChecks';
import { StoredFile, StoredImage } from '../files';
import { useFailure } from '../forms';
import { type T, tk, useT } from '../i18n';
import { statusColor, useLabels } from '../labels';
import { PageTitle } from '../layout/AppLayout';
import { usePaged } from '../paging';
import type { AuditEntry, ReviewStage, StaffFilingView, WorkType } from '../proto';
import { temporalLink, usePortalSettings } from '../settings';

/** Reasons reviewers give most often, to pick from (退回修改 / 不予登记). */
export const commonReasons = [
  tk('作品样本不清晰或不完整，请重新上传'),
  tk('作品简介及创意未按作品类别说明（字数、内容概要、主要元素或拍摄参数等）'),
  tk('权利归属方式与提供的证明材料不符，请补充委托合同或职务作品约定'),
  tk('著作权人身份证明不清晰或已过期，请重新上传'),
  tk('作品名称与样本不一致'),
  tk('创作完成日期或首次发表日期有误'),
  tk('改编、翻译、汇编作品未提供原作品授权证明'),
  tk('作品不具有独创性，不属于著作权法意义上的作品'),
  tk('作品属于计算机软件，不在本平台登记范围内'),
];

const decisionDone = { approve: tk('已通过'), return: tk('已退回修改'), refuse: tk('已不予登记') } as const;

const deadlineTag = (t: T, iso?: string) => {
  if (!iso) return null;
  const days = dayjs(iso).diff(dayjs(), 'day');
  const color = days < 0 ? 'red' : days <= 7 ? 'orange' : 'blue';
  return (
    <Tag color={color}>
      {dayjs(iso).format('YYYY-MM-DD')}
      {days < 0 ? t('（已逾期）') : t('（剩 {n} 天）', { n: days })}
    </Tag>
  );
};

/**
 * Works this reviewer approved at 终审 whose certificate is still being made: the registration
 * leaves the final queue only once it is certified, so the queue hides them until the list agrees.
 */
const certifying = new Set<string>();

/** The queue's filter form; sent as the filing API's ReviewQueueQuery. */
interface QueueFilters {
  title?: string;
  workType?: WorkType;
  applied?: [Dayjs | null, Dayjs | null] | null;
  overdue?: boolean;
}

/** 初审 / 终审 queue: filters (title, work type, applied dates, overdue only), each deadline, oldest first. */
export function ReviewQueue() {
  const { stage = 'initial' } = useParams() as { stage: ReviewStage };
  const [filters, setFilters] = useState<Record<string, string | undefined>>({});
  const list = usePaged('/api/filing/queues/{stage}', filters, { stage });
  const t = useT();
  const L = useLabels();
  // A work the list no longer holds (once it has answered since mounting) is certified: forget it.
  const answered = useRef(false);
  if (list.loading) answered.current = true;
  if (answered.current && !list.loading) {
    const listed = new Set(list.items.map((f) => f.filingId));
    for (const id of certifying) if (!listed.has(id)) certifying.delete(id);
  }
  const items = list.items.filter((f) => !certifying.has(f.filingId));
  const hidden = list.items.length - items.length;
  const { reload } = list;
  // Until the certificate is made: look again shortly, so the count and the list settle by themselves.
  useEffect(() => {
    if (!hidden) return;
    const timer = setTimeout(() => void reload(), 2000);
    return () => clearTimeout(timer);
  }, [hidden, reload]);
  const search = (v: QueueFilters) => {
    setFilters({
      title: v.title?.trim() || undefined,
      workType: v.workType,
      appliedFrom: v.applied?.[0]?.format('YYYY-MM-DD'),
      appliedTo: v.applied?.[1]?.format('YYYY-MM-DD'),
      overdue: v.overdue ? 'true' : undefined,
    });
    list.setPage(1);
  };
  return (
    <>
      <PageTitle>{L.stage[stage]}</PageTitle>
      <Form<QueueFilters>
        layout="inline"
        style={{ marginBottom: 16, rowGap: 8 }}
        onFinish={search}
        data-testid="queue-filters"
      >
        <Form.Item name="title" label={t('作品名称')}>
          <Input allowClear />
        </Form.Item>
        <Form.Item name="workType" label={t('作品类别')}>
          <Select
            allowClear
            placeholder={t('全部')}
            style={{ width: 140 }}
            options={Object.entries(L.workType).map(([value, label]) => ({ value, label }))}
          />
        </Form.Item>
        <Form.Item name="applied" label={t('申请日期')}>
          <DatePicker.RangePicker allowEmpty={[true, true]} />
        </Form.Item>
        <Form.Item name="overdue" valuePropName="checked">
          <Checkbox data-testid="overdue-only">{t('仅看逾期')}</Checkbox>
        </Form.Item>
        <Button type="primary" htmlType="submit" data-testid="queue-search">
          {t('查询')}
        </Button>
      </Form>
      <Table
        rowKey="filingId"
        size="middle"
        loading={list.loading}
        dataSource={items}
        pagination={{ ...list.pagination, total: list.total - hidden }}
        columns={[
          { title: t('流水号'), dataIndex: 'serialNo' },
          { title: t('作品名'), dataIndex: 'title' },
          { title: t('作品类别'), render: (_v, f) => (f.workType ? L.workType[f.workType] : '') },
          { title: t('著作权人'), dataIndex: 'holders' },
          { title: t('申请日期'), render: (_v, f) => (f.appliedAt ? dayjs(f.appliedAt).format('YYYY-MM-DD') : '') },
          { title: t('办结期限'), render: (_v, f) => deadlineTag(t, f.reviewDeadline) },
          { title: t('状态'), render: (_v, f) => <Tag color={statusColor[f.status]}>{L.status[f.status]}</Tag> },
          {
            title: t('操作'),
            render: (_v, f) => (
              <Link to={`/staff/review/${stage}/${f.filingId}`} data-testid="review-open">
                {t('审核')}
              </Link>
            ),
          },
        ]}
      />
    </>
  );
}

/** One registration under review: the full filing, previews, the history, and the decision with reasons. */
export function ReviewDetail() {
  const { stage, filingId } = useParams() as { stage: ReviewStage; filingId: string };
  const [view, setView] = useState<StaffFilingView>();
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const [form] = Form.useForm<{ decision: 'approve' | 'return' | 'refuse'; picked: string[]; other?: string }>();
  const decision = Form.useWatch('decision', form);
  const [busy, setBusy] = useState(false);
  const settings = usePortalSettings();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const fail = useFailure();
  const t = useT();
  const L = useLabels();

  useEffect(() => {
    const params = { path: { filingId } };
    ok(client.GET('/api/filing/staff/filings/{filingId}', { params })).then(setView, fail);
    ok(client.GET('/api/filing/staff/filings/{filingId}/audit', { params })).then(setAudit, () => undefined);
  }, [filingId, fail]);

  const decide = async () => {
    const v = await form.validateFields();
    const reasons = [...(v.picked ?? []), ...(v.other?.trim() ? [v.other.trim()] : [])];
    if (v.decision !== 'approve' && reasons.length === 0) {
      message.error(t('退回修改或不予登记须填写原因'));
      return;
    }
    setBusy(true);
    try {
      await client.POST('/api/filing/filings/{filingId}/reviews/{stage}', {
        params: { path: { filingId, stage } },
        body: { decision: v.decision, reasons },
      });
      if (stage === 'final' && v.decision === 'approve') certifying.add(filingId);
      message.success(t(decisionDone[v.decision]));
      navigate(`/staff/review/${stage}`);
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  if (!view) return <Spin style={{ display: 'block', margin: 48 }} />;
  const images = view.uploads.filter((u) => u.mime.startsWith('image/'));
  return (
    <>
      <PageTitle
        extra={
          <Space>
            {settings ? (
              <Button href={temporalLink(settings, filingId)} target="_blank" data-testid="temporal-link">
                {t('在 Temporal 中查看流程')}
              </Button>
            ) : null}
            <Button href={link('/api/signature/filings/{filingId}/form', { filingId })} target="_blank">
              {t('查看申请表')}
            </Button>
          </Space>
        }
      >
        {t('{stage}：{title}', { stage: L.stage[stage] ?? '', title: view.content.title ?? '' })}{' '}
        <Tag color={statusColor[view.status]}>{L.status[view.status]}</Tag>
      </PageTitle>
      <Row gutter={24}>
        <Col xs={24} md={16}>
          <Space style={{ marginBottom: 12 }}>
            <span>
              {t('流水号')} {view.serialNo}
            </span>
            <span>
              {t('申请日期')} {view.appliedAt ? dayjs(view.appliedAt).format('YYYY-MM-DD') : ''}
            </span>
            <span>
              {t('办结期限')} {deadlineTag(t, view.reviewDeadline)}
            </span>
          </Space>
          {images.length ? (
            <Card size="small" title={t('样本预览')} style={{ marginBottom: 16 }}>
              <Image.PreviewGroup>
                {images.map((u) => (
                  <StoredImage key={u.uploadId} upload={u} />
                ))}
              </Image.PreviewGroup>
            </Card>
          ) : null}
          <ReviewChecks view={view} />
          <IdentityProofs filingId={filingId} />
          <FilingContentView content={view.content} />
        </Col>
        <Col xs={24} md={8}>
          <Card size="small" title={t('审核意见')} style={{ marginBottom: 16 }}>
            <Form
              form={form}
              layout="vertical"
              initialValues={{ decision: 'approve', picked: [] }}
              data-testid="review-form"
            >
              <Form.Item name="decision" label={t('审核结果')} rules={[{ required: true }]}>
                <Radio.Group
                  optionType="button"
                  options={[
                    { value: 'approve', label: t('通过') },
                    { value: 'return', label: t('退回修改') },
                    { value: 'refuse', label: t('不予登记') },
                  ]}
                />
              </Form.Item>
              {decision && decision !== 'approve' ? (
                <>
                  <Form.Item name="picked" label={t('常用原因')}>
                    <Select mode="multiple" options={commonReasons.map((r) => ({ value: r, label: t(r) }))} />
                  </Form.Item>
                  <Form.Item name="other" label={t('其他原因')}>
                    <Input.TextArea rows={3} maxLength={500} data-testid="review-reason" />
                  </Form.Item>
                  {decision === 'refuse' ? (
                    <Alert
                      type="warning"
                      showIcon
                      message={t('不予登记的作品将按规定退费')}
                      style={{ marginBottom: 12 }}
                    />
                  ) : null}
                </>
              ) : null}
              <Button type="primary" onClick={decide} loading={busy} block data-testid="review-submit">
                {t('提交审核意见')}
              </Button>
            </Form>
          </Card>
          <Card size="small" title={t('审核记录')}>
            {view.decisions.length ? (
              <Timeline
                items={view.decisions.map((d) => ({
                  color: d.decision === 'approve' ? 'green' : 'red',
                  children: (
                    <>
                      <div>
                        {dayjs(d.decidedAt).format('YYYY-MM-DD HH:mm')}{' '}
                        {t('{stage}：{decision}', {
                          stage: L.stage[d.stage] ?? '',
                          decision: L.decision[d.decision] ?? '',
                        })}
                      </div>
                      {d.reasons.length ? (
                        <Typography.Text type="secondary">{d.reasons.join(t('；'))}</Typography.Text>
                      ) : null}
                    </>
                  ),
                }))}
              />
            ) : (
              <Typography.Text type="secondary">{t('暂无')}</Typography.Text>
            )}
          </Card>
          <Card size="small" title={t('操作日志')} style={{ marginTop: 16 }}>
            <Timeline
              items={audit.map((a) => ({
                children: (
                  <Typography.Text className="hint">
                    {dayjs(a.at).format('YYYY-MM-DD HH:mm')} {L.actor(a.actorRole)} {L.audit(a.action)}
                  </Typography.Text>
                ),
              }))}
            />
          </Card>
          <Card size="small" title={t('上传文件')} style={{ marginTop: 16 }}>
            <Table
              size="small"
              pagination={false}
              rowKey="uploadId"
              dataSource={view.uploads}
              columns={[
                { title: t('类型'), render: (_v, u) => (u.kind === 'sample' ? t('样本') : t('附件')) },
                {
                  title: t('文件'),
                  render: (_v, u) => <StoredFile upload={u} />,
                },
              ]}
            />
          </Card>
        </Col>
      </Row>
    </>
  );
}
