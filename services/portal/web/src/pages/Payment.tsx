import {
  Alert,
  App,
  Button,
  Card,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Image,
  Input,
  Radio,
  Result,
  Row,
  Select,
  Space,
  Spin,
  Tag,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { client, ok } from '../api';
import { type Filing, loadFiling } from '../filings';
import { useFailure } from '../forms';
import { localeOf, tk, useLang, useT } from '../i18n';
import { fen } from '../labels';
import { PageTitle } from '../layout/AppLayout';
import type { PaymentMethod, PaymentOrderView } from '../proto';

const orderStatusLabel: Record<PaymentOrderView['status'], string> = {
  unpaid: tk('待付款'),
  verifying: tk('线下付款，待财务核对'),
  paid: tk('已付款'),
  refund_pending: tk('退费处理中'),
  refunded: tk('已退费'),
};
export const channelLabel = { bank_transfer: tk('银行公对公转账'), alipay_transfer: tk('支付宝转账') } as const;

/** 版权缴费: the method is chosen once (then locked); online QR / pay link, or offline reference for finance. */
export function Payment() {
  const { filingId } = useParams() as { filingId: string };
  const [order, setOrder] = useState<PaymentOrderView>();
  const [filing, setFiling] = useState<Filing>();
  const [method, setMethod] = useState<PaymentMethod>('online');
  const [busy, setBusy] = useState(false);
  const [offlineForm] = Form.useForm();
  const { message, modal } = App.useApp();
  const fail = useFailure();
  const t = useT();
  const { lang } = useLang();

  const load = useCallback(async () => {
    try {
      setOrder(await ok(client.GET('/api/payment/orders/{filingId}', { params: { path: { filingId } } })));
    } catch (err) {
      fail(err);
    }
  }, [filingId, fail]);

  useEffect(() => {
    void load();
    loadFiling(filingId).then(setFiling, () => undefined);
    // The status updates when the gateway or finance confirms the payment.
    const timer = setInterval(() => void load(), 3000);
    return () => clearInterval(timer);
  }, [filingId, load]);

  /** The method is locked once chosen: asked once more, naming the method, before it is sent. */
  const confirmChoice = () =>
    modal.confirm({
      title: t('确认付款方式？'),
      content: t('您选择了“{method}”。付款方式确认后将无法变更。', {
        method: method === 'online' ? t('线上付款（支付宝扫码）') : t('线下付款（银行公对公转账、支付宝转账）'),
      }),
      okText: t('确认，不再变更'),
      cancelText: t('再想想'),
      onOk: choose,
    });

  const choose = async () => {
    setBusy(true);
    try {
      setOrder(
        await ok(
          client.POST('/api/payment/orders/{filingId}/method', { params: { path: { filingId } }, body: { method } }),
        ),
      );
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const sendOffline = async () => {
    const v = await offlineForm.validateFields();
    setBusy(true);
    try {
      setOrder(
        await ok(client.POST('/api/payment/orders/{filingId}/offline', { params: { path: { filingId } }, body: v })),
      );
      message.success(t('付款信息已提交，待财务人员核对'));
    } catch (err) {
      fail(err, offlineForm);
    } finally {
      setBusy(false);
    }
  };

  if (!order) return <Spin style={{ display: 'block', margin: 48 }} />;
  const locked = !!order.method;

  return (
    <>
      <PageTitle>{t('版权缴费')}</PageTitle>
      {order.status === 'paid' ? (
        <Result
          status="success"
          title={t('缴费成功')}
          subTitle={t('作品已提交审核，请耐心等待审核结果（整个流程30个工作日内办结）。')}
          extra={<Link to="/works/initial_review">{t('查看待初审作品')}</Link>}
          data-testid="payment-paid"
        />
      ) : null}
      <Card size="small" style={{ marginBottom: 16 }}>
        <Descriptions column={3} size="small">
          <Descriptions.Item label={t('作品')} span={3}>
            {filing?.content.title ?? filingId}
          </Descriptions.Item>
          <Descriptions.Item label={t('单价')}>{fen(order.amountFen)}</Descriptions.Item>
          <Descriptions.Item label={t('数量')}>1</Descriptions.Item>
          <Descriptions.Item label={t('总金额')}>
            <b>{fen(order.amountFen)}</b>
          </Descriptions.Item>
          <Descriptions.Item label={t('状态')}>
            <Tag color={order.status === 'paid' ? 'green' : 'orange'} data-testid="payment-status">
              {t(orderStatusLabel[order.status])}
            </Tag>
          </Descriptions.Item>
          {order.confirmedAt ? (
            <Descriptions.Item label={t('确认时间')}>
              {new Date(order.confirmedAt).toLocaleString(localeOf(lang))}
            </Descriptions.Item>
          ) : null}
          {order.invoice ? (
            <Descriptions.Item label={t('电子发票')}>
              <a href={order.invoice.downloadUrl}>{order.invoice.invoiceNo}</a>
            </Descriptions.Item>
          ) : null}
          {order.refund ? (
            <Descriptions.Item label={t('退费')}>
              {order.refund.status === 'done' ? t('已退费') : t('退费处理中')}
            </Descriptions.Item>
          ) : null}
        </Descriptions>
      </Card>

      <Card size="small" title={t('请选择支付方式')} style={{ marginBottom: 16 }}>
        <Space direction="vertical" style={{ width: '100%' }}>
          <Radio.Group
            value={order.method ?? method}
            disabled={locked}
            onChange={(e) => setMethod(e.target.value)}
            options={[
              { value: 'online', label: t('线上付款（支付宝扫码）') },
              { value: 'offline', label: t('线下付款（银行公对公转账、支付宝转账）') },
            ]}
            data-testid="payment-method"
          />
          {locked ? (
            <Typography.Text type="secondary">{t('付款方式已选择，无法变更。')}</Typography.Text>
          ) : (
            <Button type="primary" onClick={confirmChoice} loading={busy} data-testid="choose-method">
              {t('确认付款方式')}
            </Button>
          )}
          <Alert
            type="warning"
            showIcon
            message={t(
              '注：作品提交时需按要求进行缴费（150元/件），付款方式选择后将无法变更。线下付款须人工核对通过后，材料才能进入审核；支付后，请不要关掉付款页面，以免支付出问题。',
            )}
          />
        </Space>
      </Card>

      {order.method === 'online' && order.online && order.status !== 'paid' ? (
        <Card size="small" title={t('线上付款')} style={{ marginBottom: 16 }}>
          <Row gutter={24} align="middle">
            <Col>
              <Image
                src={order.online.qrDataUrl}
                width={200}
                preview={false}
                alt={t('支付二维码')}
                data-testid="pay-qr"
              />
            </Col>
            <Col>
              <Typography.Paragraph>{t('请使用支付宝扫描二维码付款，或在浏览器中打开支付页面。')}</Typography.Paragraph>
              <Typography.Paragraph type="secondary">
                {t('订单号：{no}', { no: order.online.outTradeNo })}
              </Typography.Paragraph>
              <Button type="primary" href={order.online.payUrl} target="_blank" data-testid="pay-link">
                {t('打开支付页面')}
              </Button>
            </Col>
          </Row>
        </Card>
      ) : null}

      {order.method === 'offline' && order.status !== 'paid' ? (
        <Card size="small" title={t('线下付款')} style={{ marginBottom: 16 }}>
          <Typography.Paragraph>
            {t(
              '线下付款为银行公对公转账和支付宝转账。转账时请在附言中注明作品流水号{serial}，转账完成后在下方填写付款人和付款凭证号，财务人员核对通过后作品进入审核。缴费咨询QQ：1745848254、3153759545。',
              { serial: filing?.serialNo ? (lang === 'zh' ? `（${filing.serialNo}）` : ` (${filing.serialNo})`) : '' },
            )}
          </Typography.Paragraph>
          {order.offline ? (
            <Alert
              style={{ marginBottom: 12 }}
              type={
                order.offline.status === 'rejected'
                  ? 'error'
                  : order.offline.status === 'confirmed'
                    ? 'success'
                    : 'info'
              }
              showIcon
              data-testid="offline-status"
              message={
                order.offline.status === 'pending'
                  ? t('已提交付款信息（{channel}，凭证号 {reference}），待财务核对', {
                      channel: t(channelLabel[order.offline.channel]),
                      reference: order.offline.reference,
                    })
                  : order.offline.status === 'confirmed'
                    ? t('财务已核对通过')
                    : t('财务核对未通过：{reason}，请重新填写付款信息', { reason: order.offline.rejectReason ?? '' })
              }
            />
          ) : null}
          {!order.offline || order.offline.status === 'rejected' ? (
            <Form
              form={offlineForm}
              layout="inline"
              initialValues={{ channel: 'bank_transfer', paidOn: dayjs().format('YYYY-MM-DD') }}
              data-testid="offline-form"
            >
              <Form.Item name="channel" label={t('付款方式')} rules={[{ required: true }]}>
                <Select
                  style={{ width: 160 }}
                  options={Object.entries(channelLabel).map(([value, label]) => ({ value, label: t(label) }))}
                />
              </Form.Item>
              <Form.Item name="payerName" label={t('付款人')} rules={[{ required: true, message: t('请填写付款人') }]}>
                <Input style={{ width: 180 }} />
              </Form.Item>
              <Form.Item
                name="reference"
                label={t('付款凭证号')}
                rules={[
                  { required: true, message: t('请填写付款凭证号') },
                  { min: 4, message: t('凭证号至少4位') },
                ]}
              >
                <Input style={{ width: 200 }} />
              </Form.Item>
              <Form.Item
                name="paidOn"
                label={t('付款日期')}
                rules={[{ required: true }]}
                getValueProps={(v?: string) => ({ value: v ? dayjs(v) : undefined })}
                normalize={(d?: dayjs.Dayjs | null) => (d ? d.format('YYYY-MM-DD') : undefined)}
              >
                <DatePicker />
              </Form.Item>
              <Button type="primary" onClick={sendOffline} loading={busy} data-testid="send-offline">
                {t('提交付款信息')}
              </Button>
            </Form>
          ) : null}
        </Card>
      ) : null}
    </>
  );
}
