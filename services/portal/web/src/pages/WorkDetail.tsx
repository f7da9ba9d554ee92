import { Alert, Button, Card, Descriptions, Result, Space, Spin, Steps, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { get } from '../api';
import { type Filing, loadFiling } from '../filings';
import { useFailure } from '../forms';
import { statusColor, statusLabel } from '../labels';
import { PageTitle } from '../layout/AppLayout';
import { useSession } from '../session';
import { temporalLink, usePortalSettings } from '../settings';
import { FilingContentView } from './FilingContentView';

const stepOf: Record<string, number> = {
  draft: 0,
  awaiting_signatures: 1,
  awaiting_submission: 1,
  awaiting_payment: 2,
  payment_verifying: 2,
  initial_review: 3,
  final_review: 4,
  returned: 3,
  certified: 5,
  delivered: 5,
};

/**
 * 纸质证书 as the admin records it: made (证书已制作), then mailed with its SF Express waybill
 * (已邮寄，顺丰到付) or waiting to be picked up (待自领) and picked up (已领取).
 */
function PaperCertificate({ filing }: { filing: Filing }) {
  const d = filing.delivery;
  const done = filing.status === 'delivered';
  const mailed = d ? d.kind === 'mailed' : filing.content.certificateDelivery !== 'pickup';
  const on = d ? new Date(d.recordedAt).toLocaleDateString('zh-CN') : undefined;
  const items = mailed
    ? [
        { title: '证书已制作' },
        { title: done ? '已邮寄' : '待邮寄', description: on ? `顺丰到付 · ${on}` : '顺丰到付' },
      ]
    : [
        { title: '证书已制作' },
        { title: '待自领', description: '收到电子发票后于工作时间内领取' },
        { title: '已领取', description: on },
      ];
  return (
    <Card size="small" title="纸质证书" style={{ marginBottom: 16 }}>
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
              已邮寄（顺丰到付）
              {d?.waybillNo ? (
                <>
                  ，运单号{' '}
                  <Typography.Text strong copyable data-testid="waybill">
                    {d.waybillNo}
                  </Typography.Text>
                </>
              ) : null}
            </>
          ) : (
            '证书已制作，待邮寄（顺丰到付）'
          )
        ) : done ? (
          '已领取（自领）'
        ) : (
          '证书已制作，待自领（收到电子发票后于工作时间内领取）'
        )}
      </span>
    </Card>
  );
}

/** One registration: status, the filing, reviewers' reasons, payment, certificate and paper certificate. */
export function WorkDetail() {
  const { filingId } = useParams() as { filingId: string };
  const navigate = useNavigate();
  const [filing, setFiling] = useState<Filing>();
  const [missing, setMissing] = useState(false);
  const { has } = useSession();
  const settings = usePortalSettings();
  const fail = useFailure();
  const staffReader = has('initial_reviewer', 'final_reviewer', 'finance', 'admin', 'regional_staff');
  useEffect(() => {
    // Staff read through the staff view; an applicant reads their own filing.
    const load = staffReader ? get<Filing>(`/api/filing/staff/filings/${filingId}`) : loadFiling(filingId);
    load.then(setFiling, (err) => {
      setMissing(true);
      fail(err);
    });
  }, [filingId, fail, staffReader]);
  if (missing) return <Result status="404" title="没有找到该作品" />;
  if (!filing) return <Spin style={{ display: 'block', margin: 48 }} />;
  const staff = staffReader;
  return (
    <>
      <PageTitle
        extra={
          <Space>
            {staff && settings ? (
              <Button href={temporalLink(settings, filingId)} target="_blank" data-testid="temporal-link">
                在 Temporal 中查看流程
              </Button>
            ) : null}
            <Button href={`/api/signature/filings/${filingId}/form`} target="_blank">
              查看表单
            </Button>
          </Space>
        }
      >
        {filing.content.title ?? '作品'}{' '}
        <Tag color={statusColor[filing.status]} data-testid="work-status">
          {statusLabel[filing.status]}
        </Tag>
      </PageTitle>
      <Steps
        size="small"
        style={{ marginBottom: 16 }}
        current={stepOf[filing.status] ?? 0}
        status={
          filing.status === 'refused' || filing.status === 'returned'
            ? 'error'
            : filing.status === 'delivered'
              ? 'finish'
              : undefined
        }
        items={['填报', '电子签章', '缴费', '初审', '终审', '发证'].map((title) => ({ title }))}
      />
      {filing.status === 'returned' ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          message="退回修改"
          description={
            <>
              <div data-testid="return-reasons">{filing.remark}</div>
              <Link to={`/filings/${filingId}/edit`}>修改后重新签章提交（无需重复缴费）</Link>
            </>
          }
        />
      ) : null}
      {filing.status === 'refused' ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          message="不予登记，已按规定退费"
          description={filing.remark}
        />
      ) : null}
      <Card size="small" style={{ marginBottom: 16 }}>
        <Descriptions size="small" column={3}>
          <Descriptions.Item label="流水号">{filing.serialNo}</Descriptions.Item>
          <Descriptions.Item label="申请日期">
            {filing.appliedAt ? new Date(filing.appliedAt).toLocaleString('zh-CN') : ''}
          </Descriptions.Item>
          {filing.reviewDeadline ? (
            <Descriptions.Item label="办结期限">
              {new Date(filing.reviewDeadline).toLocaleDateString('zh-CN')}
            </Descriptions.Item>
          ) : null}
          {filing.registrationNumber ? (
            <Descriptions.Item label="登记号">
              <b data-testid="registration-number">{filing.registrationNumber}</b>
            </Descriptions.Item>
          ) : null}
        </Descriptions>
        {filing.status === 'certified' || filing.status === 'delivered' ? (
          <Space>
            <Button
              type="primary"
              href={`/api/certificate/certificates/${filingId}/pdf`}
              data-testid="download-certificate"
            >
              下载证书
            </Button>
            {filing.registrationNumber ? (
              <Link to={`/verify/${encodeURIComponent(filing.registrationNumber)}`}>证书查验</Link>
            ) : null}
          </Space>
        ) : null}
        {filing.status === 'awaiting_payment' || filing.status === 'payment_verifying' ? (
          <Button type="primary" onClick={() => navigate(`/filings/${filingId}/pay`)}>
            缴费
          </Button>
        ) : null}
      </Card>
      {filing.status === 'certified' || filing.status === 'delivered' ? <PaperCertificate filing={filing} /> : null}
      <FilingContentView content={filing.content} />
    </>
  );
}
