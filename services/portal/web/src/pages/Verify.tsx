import { Alert, Button, Card, Descriptions, Form, Input, Result, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useParams, useSearchParams } from 'react-router-dom';
import { ApiFailure, client, ok } from '../api';
import { failureText } from '../forms';
import { useLang, useT } from '../i18n';
import { useLabels } from '../labels';
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
  const [errorCode, setErrorCode] = useState<string>();
  const [loading, setLoading] = useState(false);
  const t = useT();
  const { lang } = useLang();
  const L = useLabels();
  /** The certificate's state in words (the service's text is Chinese). */
  const statusText = (r: VerifyResult) =>
    lang === 'zh'
      ? r.statusText
      : r.status === 'valid'
        ? 'Valid'
        : r.status === 'revoked'
          ? 'Revoked'
          : 'Superseded by a reissued certificate';

  const verify = useCallback(async (q: { number: string; c?: string; holder?: string }) => {
    setLoading(true);
    setError(undefined);
    setResult(undefined);
    try {
      setResult(await ok(client.GET('/api/certificate/verify', { params: { query: q } })));
    } catch (err) {
      setError(err instanceof ApiFailure ? err.message : String(err));
      setErrorCode(err instanceof ApiFailure ? err.code : undefined);
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
      <PageTitle>{t('证书查验')}</PageTitle>
      <Card size="small" style={{ maxWidth: 720, marginBottom: 16 }}>
        <Form
          form={form}
          layout="vertical"
          onFinish={(v) => verify({ number: v.number.trim(), holder: v.holder.trim() })}
          data-testid="verify-form"
        >
          <Form.Item
            name="number"
            label={t('登记号')}
            rules={[
              { required: true, message: t('请填写登记号') },
              { min: 8, message: t('登记号格式不正确') },
            ]}
          >
            <Input placeholder={t('如：浙作登字-2026-F-00000001')} />
          </Form.Item>
          <Form.Item
            name="holder"
            label={t('著作权人姓名或名称')}
            rules={[{ required: true, message: t('请填写著作权人姓名或名称') }]}
          >
            <Input />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={loading} data-testid="verify">
            {t('查验')}
          </Button>
          <span style={{ marginLeft: 12, color: '#595959' }}>{t('也可扫描证书上的二维码直接查验。')}</span>
        </Form>
      </Card>
      {error ? (
        <Alert
          type="error"
          showIcon
          message={t('查验未通过')}
          description={failureText(error, errorCode, lang)}
          data-testid="verify-error"
        />
      ) : null}
      {result ? (
        <Card size="small" style={{ maxWidth: 720 }} data-testid="verify-result">
          <Result
            status={result.status === 'valid' ? 'success' : 'warning'}
            title={result.status === 'valid' ? t('证书真实有效') : statusText(result)}
            style={{ padding: 12 }}
          />
          <Descriptions bordered size="small" column={1}>
            <Descriptions.Item label={t('登记号')}>{result.registrationNumber}</Descriptions.Item>
            <Descriptions.Item label={t('作品名称')}>{result.title}</Descriptions.Item>
            <Descriptions.Item label={t('作品类别')}>{L.workType[result.workType]}</Descriptions.Item>
            <Descriptions.Item label={t('著作权人')}>{result.holders.join(t('、'))}</Descriptions.Item>
            <Descriptions.Item label={t('登记日期')}>{result.registeredOn}</Descriptions.Item>
            <Descriptions.Item label={t('证书版本')}>{t('第 {n} 版', { n: result.edition })}</Descriptions.Item>
            <Descriptions.Item label={t('状态')}>
              <Tag color={result.status === 'valid' ? 'green' : 'red'}>{statusText(result)}</Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('文件摘要（SHA-256）')}>
              <code style={{ fontSize: 11 }}>{result.sha256}</code>
            </Descriptions.Item>
          </Descriptions>
        </Card>
      ) : null}
    </>
  );
}
