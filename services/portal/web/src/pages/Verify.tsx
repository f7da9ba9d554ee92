import { Alert, Button, Card, Descriptions, Form, Input, Result, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { ApiFailure, get } from '../api';
import { workTypeLabel } from '../labels';
import { PageTitle } from '../layout/AppLayout';
import type { VerifyResult } from '../proto';

/**
 * 证书查验 (public, no login): by the registration number plus the holder's name, or by the QR
 * link printed on the certificate (/verify/<number>?c=<check code>).
 */
export function Verify() {
  const params = useParams();
  const [search] = useSearchParams();
  const [form] = Form.useForm<{ number: string; holder: string }>();
  const [result, setResult] = useState<VerifyResult>();
  const [error, setError] = useState<string>();
  const [loading, setLoading] = useState(false);

  const verify = useCallback(async (q: { number: string; c?: string; holder?: string }) => {
    setLoading(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await get<VerifyResult>('/api/certificate/verify', q));
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : String(err));
    } finally {
      setLoading(false);
    }
  }, []);

  useEffect(() => {
    const number = params.number ?? search.get('number') ?? undefined;
    const c = search.get('c') ?? undefined;
    if (number) form.setFieldValue('number', number);
    if (number && c) void verify({ number, c });
  }, [params.number, search, form, verify]);

  return (
    <>
      <PageTitle>证书查验</PageTitle>
      <Card size="small" style={{ maxWidth: 720, marginBottom: 16 }}>
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) => verify({ number: v.number.trim(), holder: v.holder.trim() })}
          data-testid="verify-form"
        >
          <Form.Item
            name="number"
            label="登记号"
            rules={[
              { required: true, message: '请填写登记号' },
              { min: 8, message: '登记号格式不正确' },
            ]}
          >
            <Input placeholder="如：浙作登字-2026-F-00000001" />
          </Form.Item>
          <Form.Item
            name="holder"
            label="著作权人姓名或名称"
            rules={[{ required: true, message: '请填写著作权人姓名或名称' }]}
          >
            <Input />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={loading} data-testid="verify">
            查验
          </Button>
          <span style={{ marginLeft: 12, color: '#595959' }}>也可扫描证书上的二维码直接查验。</span>
        </Form>
      </Card>
      {error ? (
        <Alert type="error" showIcon message="查验未通过" description={error} data-testid="verify-error" />
      ) : null}
      {result ? (
        <Card size="small" style={{ maxWidth: 720 }} data-testid="verify-result">
          <Result
            status={result.status === 'valid' ? 'success' : 'warning'}
            title={result.status === 'valid' ? '证书真实有效' : result.statusText}
            style={{ padding: 12 }}
          />
          <Descriptions bordered size="small" column={1}>
            <Descriptions.Item label="登记号">{result.registrationNumber}</Descriptions.Item>
            <Descriptions.Item label="作品名称">{result.title}</Descriptions.Item>
            <Descriptions.Item label="作品类别">{workTypeLabel[result.workType]}</Descriptions.Item>
            <Descriptions.Item label="著作权人">{result.holders.join('、')}</Descriptions.Item>
            <Descriptions.Item label="登记日期">{result.registeredOn}</Descriptions.Item>
            <Descriptions.Item label="证书版本">第 {result.edition} 版</Descriptions.Item>
            <Descriptions.Item label="状态">
              <Tag color={result.status === 'valid' ? 'green' : 'red'}>{result.statusText}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label="文件摘要（SHA-256）">
              <code style={{ fontSize: 11 }}>{result.sha256}</code>
            </Descriptions.Item>
          </Descriptions>
        </Card>
      ) : null}
    </>
  );
}
