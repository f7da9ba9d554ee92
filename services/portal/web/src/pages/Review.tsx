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
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { get, post } from '../api';
import { StoredFile, StoredImage } from '../files';
import { useFailure } from '../forms';
import { decisionLabel, stageLabel, statusColor, statusLabel, workTypeLabel } from '../labels';
import { PageTitle } from '../layout/AppLayout';
import { usePaged } from '../paging';
import type { AuditEntry, FilingListItem, ReviewStage, StaffFilingView, WorkType } from '../proto';
import { temporalLink, usePortalSettings } from '../settings';
import { FilingContentView } from './FilingContentView';
import { IdentityProofs } from './IdentityProofs';
import { ReviewChecks } from './ReviewChecks';

/** Reasons reviewers give most often, to pick from (退回修改 / 不予登记). */
export const commonReasons = [
  '作品样本不清晰或不完整，请重新上传',
  '作品简介及创意未按作品类别说明（字数、内容概要、主要元素或拍摄参数等）',
  '权利归属方式与提供的证明材料不符，请补充委托合同或职务作品约定',
  '著作权人身份证明不清晰或已过期，请重新上传',
  '作品名称与样本不一致',
  '创作完成日期或首次发表日期有误',
  '改编、翻译、汇编作品未提供原作品授权证明',
  '作品不具有独创性，不属于著作权法意义上的作品',
  '作品属于计算机软件，不在本平台登记范围内',
];

const deadlineTag = (iso?: string) => {
  if (!iso) return null;
  const days = dayjs(iso).diff(dayjs(), 'day');
  const color = days < 0 ? 'red' : days <= 7 ? 'orange' : 'blue';
  return (
    <Tag color={color}>
      {dayjs(iso).format('YYYY-MM-DD')}
      {days < 0 ? '（已逾期）' : `（剩 ${days} 天）`}
    </Tag>
  );
};

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
  const list = usePaged<FilingListItem>(`/api/filing/queues/${stage}`, filters);
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
      <PageTitle>{stageLabel[stage]}</PageTitle>
      <Form<QueueFilters>
        layout="inline"
        style={{ marginBottom: 16, rowGap: 8 }}
        onFinish={search}
        data-testid="queue-filters"
      >
        <Form.Item name="title" label="作品名称">
          <Input allowClear />
        </Form.Item>
        <Form.Item name="workType" label="作品类别">
          <Select
            allowClear
            placeholder="全部"
            style={{ width: 140 }}
            options={Object.entries(workTypeLabel).map(([value, label]) => ({ value, label }))}
          />
        </Form.Item>
        <Form.Item name="applied" label="申请日期">
          <DatePicker.RangePicker allowEmpty={[true, true]} />
        </Form.Item>
        <Form.Item name="overdue" valuePropName="checked">
          <Checkbox data-testid="overdue-only">仅看逾期</Checkbox>
        </Form.Item>
        <Button type="primary" htmlType="submit" data-testid="queue-search">
          查询
        </Button>
      </Form>
      <Table
        rowKey="filingId"
        size="middle"
        loading={list.loading}
        dataSource={list.items}
        pagination={list.pagination}
        columns={[
          { title: '流水号', dataIndex: 'serialNo' },
          { title: '作品名', dataIndex: 'title' },
          { title: '作品类别', render: (_v, f) => (f.workType ? workTypeLabel[f.workType] : '') },
          { title: '著作权人', dataIndex: 'holders' },
          { title: '申请日期', render: (_v, f) => (f.appliedAt ? dayjs(f.appliedAt).format('YYYY-MM-DD') : '') },
          { title: '办结期限', render: (_v, f) => deadlineTag(f.reviewDeadline) },
          { title: '状态', render: (_v, f) => <Tag color={statusColor[f.status]}>{statusLabel[f.status]}</Tag> },
          {
            title: '操作',
            render: (_v, f) => (
              <Link to={`/staff/review/${stage}/${f.filingId}`} data-testid="review-open">
                审核
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

  useEffect(() => {
    get<StaffFilingView>(`/api/filing/staff/filings/${filingId}`).then(setView, fail);
    get<AuditEntry[]>(`/api/filing/staff/filings/${filingId}/audit`).then(setAudit, () => undefined);
  }, [filingId, fail]);

  const decide = async () => {
    const v = await form.validateFields();
    const reasons = [...(v.picked ?? []), ...(v.other?.trim() ? [v.other.trim()] : [])];
    if (v.decision !== 'approve' && reasons.length === 0) {
      message.error('退回修改或不予登记须填写原因');
      return;
    }
    setBusy(true);
    try {
      await post(`/api/filing/filings/${filingId}/reviews/${stage}`, { decision: v.decision, reasons });
      message.success(`已${decisionLabel[v.decision]}`);
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
                在 Temporal 中查看流程
              </Button>
            ) : null}
            <Button href={`/api/signature/filings/${filingId}/form`} target="_blank">
              查看申请表
            </Button>
          </Space>
        }
      >
        {stageLabel[stage]}：{view.content.title} <Tag color={statusColor[view.status]}>{statusLabel[view.status]}</Tag>
      </PageTitle>
      <Row gutter={24}>
        <Col xs={24} md={16}>
          <Space style={{ marginBottom: 12 }}>
            <span>流水号 {view.serialNo}</span>
            <span>申请日期 {view.appliedAt ? dayjs(view.appliedAt).format('YYYY-MM-DD') : ''}</span>
            <span>办结期限 {deadlineTag(view.reviewDeadline)}</span>
          </Space>
          {images.length ? (
            <Card size="small" title="样本预览" style={{ marginBottom: 16 }}>
              <Image.PreviewGroup>
                {images.map((u) => (
                  <StoredImage key={u.uploadId} upload={u} />
                ))}
              </Image.PreviewGroup>
            </Card>
          ) : null}
          <ReviewChecks view={view} />
          <IdentityProofs userId={view.applicantId} />
          <FilingContentView content={view.content} />
        </Col>
        <Col xs={24} md={8}>
          <Card size="small" title="审核意见" style={{ marginBottom: 16 }}>
            <Form
              form={form}
              layout="vertical"
              initialValues={{ decision: 'approve', picked: [] }}
              data-testid="review-form"
            >
              <Form.Item name="decision" label="审核结果" rules={[{ required: true }]}>
                <Radio.Group
                  optionType="button"
                  options={[
                    { value: 'approve', label: '通过' },
                    { value: 'return', label: '退回修改' },
                    { value: 'refuse', label: '不予登记' },
                  ]}
                />
              </Form.Item>
              {decision && decision !== 'approve' ? (
                <>
                  <Form.Item name="picked" label="常用原因">
                    <Select mode="multiple" options={commonReasons.map((r) => ({ value: r, label: r }))} />
                  </Form.Item>
                  <Form.Item name="other" label="其他原因">
                    <Input.TextArea rows={3} maxLength={500} data-testid="review-reason" />
                  </Form.Item>
                  {decision === 'refuse' ? (
                    <Alert type="warning" showIcon message="不予登记的作品将按规定退费" style={{ marginBottom: 12 }} />
                  ) : null}
                </>
              ) : null}
              <Button type="primary" onClick={decide} loading={busy} block data-testid="review-submit">
                提交审核意见
              </Button>
            </Form>
          </Card>
          <Card size="small" title="审核记录">
            {view.decisions.length ? (
              <Timeline
                items={view.decisions.map((d) => ({
                  color: d.decision === 'approve' ? 'green' : 'red',
                  children: (
                    <>
                      <div>
                        {dayjs(d.decidedAt).format('YYYY-MM-DD HH:mm')} {stageLabel[d.stage]}：
                        {decisionLabel[d.decision]}
                      </div>
                      {d.reasons.length ? (
                        <Typography.Text type="secondary">{d.reasons.join('；')}</Typography.Text>
                      ) : null}
                    </>
                  ),
                }))}
              />
            ) : (
              <Typography.Text type="secondary">暂无</Typography.Text>
            )}
          </Card>
          <Card size="small" title="操作日志" style={{ marginTop: 16 }}>
            <Timeline
              items={audit.map((a) => ({
                children: (
                  <Typography.Text style={{ fontSize: 12 }}>
                    {dayjs(a.at).format('YYYY-MM-DD HH:mm')} {a.actorRole} {a.action}
                  </Typography.Text>
                ),
              }))}
            />
          </Card>
          <Card size="small" title="上传文件" style={{ marginTop: 16 }}>
            <Table
              size="small"
              pagination={false}
              rowKey="uploadId"
              dataSource={view.uploads}
              columns={[
                { title: '类型', render: (_v, u) => (u.kind === 'sample' ? '样本' : '附件') },
                {
                  title: '文件',
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
