import { FilePdfOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Descriptions, Empty, Form, Image, Input, Space, Spin, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { client, ok } from '../api';
import { failureText, zodRule } from '../forms';
import { useLang, useT } from '../i18n';
import { useLabels } from '../labels';
import { type ApplicantProofs, ProofAccessQuery, type StaffProof } from '../proto';

/**
 * 申请人身份证明 for staff: the applicant's proofs (images inline, PDFs in the browser's viewer)
 * beside what to check them against — the profile and the document the login verified. A reviewer
 * opens them through the filing under review; an administrator names a reason first. Every look
 * is recorded by the identity service.
 */
export function IdentityProofs(props: { filingId: string } | { userId: string }) {
  const t = useT();
  // The reason holds for the account it was given for only.
  const [opened, setOpened] = useState<{ userId: string; reason: string }>();
  if ('filingId' in props)
    return (
      <ProofsCard
        key={props.filingId}
        load={() =>
          ok(
            client.GET('/api/filing/staff/filings/{filingId}/applicant-proofs', {
              params: { path: { filingId: props.filingId } },
            }),
          )
        }
        title={t('申请人身份证明')}
      />
    );
  const reason = 'userId' in props && opened?.userId === props.userId ? opened.reason : undefined;
  if (reason)
    return (
      <ProofsCard
        key={`${props.userId}:${reason}`}
        load={() =>
          ok(client.GET('/api/identity/staff/users/{userId}/proofs', { params: { path: props, query: { reason } } }))
        }
        title={t('身份证明')}
      />
    );
  return (
    <Card size="small" title={t('身份证明')} style={{ marginBottom: 16 }} data-testid="identity-proofs">
      <Typography.Paragraph type="secondary">
        {t('查看他人的身份证明须说明理由，查看人、时间和理由都将被记录。')}
      </Typography.Paragraph>
      <Form
        layout="inline"
        onFinish={(v: { reason: string }) => setOpened({ userId: props.userId, reason: v.reason.trim() })}
      >
        <Form.Item
          name="reason"
          label={t('查看理由')}
          rules={[zodRule(ProofAccessQuery.shape.reason)]}
          style={{ flex: 1, minWidth: 240 }}
        >
          <Input maxLength={200} data-testid="proof-reason" />
        </Form.Item>
        <Form.Item>
          <Button htmlType="submit" data-testid="proof-open">
            {t('查看身份证明')}
          </Button>
        </Form.Item>
      </Form>
    </Card>
  );
}

function ProofsCard({ load: fetchProofs, title }: { load: () => Promise<ApplicantProofs>; title: string }) {
  const [data, setData] = useState<ApplicantProofs>();
  const [failure, setFailure] = useState<string>();
  const t = useT();
  const { lang } = useLang();

  // The card is keyed by what it shows (the filing, or the account and reason): it loads once.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new `load` each render is the same query
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    // The links are short-lived: fetch fresh ones a minute before they expire.
    const load = () =>
      fetchProofs().then(
        (d) => {
          if (!live) return;
          setData(d);
          timer = setTimeout(load, Math.max(d.expiresInSeconds - 60, 30) * 1000);
        },
        (err: Error) => live && setFailure(err.message),
      );
    void load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, []);

  return (
    <Card size="small" title={title} style={{ marginBottom: 16 }} data-testid="identity-proofs">
      {failure ? (
        <Alert type="error" showIcon message={failureText(failure, undefined, lang)} />
      ) : !data ? (
        <Spin />
      ) : (
        <>
          <CheckAgainst data={data} />
          {data.proofs.length ? (
            <Image.PreviewGroup>
              <Space wrap align="start" size={16}>
                {data.proofs.map((p) => (
                  <Proof key={p.uploadId} proof={p} />
                ))}
              </Space>
            </Image.PreviewGroup>
          ) : (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('申请人尚未上传身份证明')} />
          )}
        </>
      )}
    </Card>
  );
}

/** The profile as filled in, and whether the login's verified document (实名认证) agrees with it. */
function CheckAgainst({ data }: { data: ApplicantProofs }) {
  const { profile, verified } = data;
  const t = useT();
  const L = useLabels();
  if (!profile) return <Alert type="warning" showIcon message={t('该用户尚未完善资料')} style={{ marginBottom: 12 }} />;
  const agrees = verified.idNumber === undefined || verified.idNumber.toUpperCase() === profile.idNumber.toUpperCase();
  return (
    <Descriptions size="small" column={2} style={{ marginBottom: 12 }} data-testid="identity-profile">
      <Descriptions.Item label={t('姓名或名称')}>{profile.name}</Descriptions.Item>
      <Descriptions.Item label={t('用户类别')}>{L.category[profile.category]}</Descriptions.Item>
      <Descriptions.Item label={t('证件类型')}>{L.idType[profile.idType]}</Descriptions.Item>
      <Descriptions.Item label={t('证件号')}>{profile.idNumber}</Descriptions.Item>
      <Descriptions.Item label={t('经办人')}>{profile.handler}</Descriptions.Item>
      <Descriptions.Item label={t('实名认证')}>
        {verified.idNumber ? (
          <Space size={4} wrap>
            <span>
              {verified.name} {verified.idNumber}
            </span>
            <Tag color={agrees ? 'green' : 'orange'}>{agrees ? t('与资料一致') : t('与资料不一致')}</Tag>
          </Space>
        ) : (
          <Typography.Text type="secondary">{t('无')}</Typography.Text>
        )}
      </Descriptions.Item>
    </Descriptions>
  );
}

function Proof({ proof }: { proof: StaffProof }) {
  const image = proof.mime.startsWith('image/');
  const t = useT();
  return (
    <div style={{ width: 168 }} data-testid="identity-proof">
      {image ? (
        <Image
          width={168}
          height={120}
          style={{ objectFit: 'contain', background: '#fafafa' }}
          src={proof.previewUrl}
          alt={proof.name}
        />
      ) : (
        <a
          href={proof.previewUrl}
          target="_blank"
          rel="noopener noreferrer"
          title={t('在新窗口中预览')}
          style={{
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'center',
            width: 168,
            height: 120,
            background: '#fafafa',
            fontSize: 48,
          }}
        >
          <FilePdfOutlined />
        </a>
      )}
      <Typography.Text ellipsis={{ tooltip: proof.name }} style={{ display: 'block', marginTop: 4 }}>
        {proof.name}
      </Typography.Text>
      <Space size={8} className="hint">
        <Typography.Text type="secondary" className="hint">
          {dayjs(proof.uploadedAt).format('YYYY-MM-DD HH:mm')}
        </Typography.Text>
        {image ? null : (
          <a href={proof.previewUrl} target="_blank" rel="noopener noreferrer">
            {t('预览')}
          </a>
        )}
        <a href={proof.downloadUrl} data-testid="identity-proof-download">
          {t('下载')}
        </a>
      </Space>
    </div>
  );
}
