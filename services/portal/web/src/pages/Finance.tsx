import { App, Button, Input, Modal, Space, Table, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { client, type PagedPath } from '../api';
import { useFailure } from '../forms';
import { localeOf, useLang, useT } from '../i18n';
import { fen } from '../labels';
import { PageTitle } from '../layout/AppLayout';
import { usePaged } from '../paging';
import type { OfflinePaymentItem, RefundItem } from '../proto';
import { channelLabel } from './Payment';

/** Dates and times in the language shown. */
function useWhen() {
  const { lang } = useLang();
  return (iso?: string) => (iso ? new Date(iso).toLocaleString(localeOf(lang)) : '');
}

/** 缴费核对: offline payments to match against the bank or Alipay statement, then confirm or reject. */
export function FinanceOffline() {
  const t = useT();
  const when = useWhen();
  const { list, tabBar, tableProps } = useStatusList('/api/payment/finance/offline', [
    { key: 'pending', label: t('待核对') },
    { key: 'confirmed', label: t('已通过') },
    { key: 'rejected', label: t('未通过') },
  ]);
  const { message, modal } = App.useApp();
  const fail = useFailure();

  const confirm = (p: OfflinePaymentItem) =>
    modal.confirm({
      title: t('确认已收到这笔付款？'),
      content: `${p.payerName} · ${t(channelLabel[p.channel])} · ${t('凭证号 {reference}', { reference: p.reference })} · ${fen(p.amountFen)}`,
      okText: t('核对通过'),
      onOk: async () => {
        try {
          await client.POST('/api/payment/finance/offline/{paymentId}/confirm', {
            params: { path: { paymentId: p.paymentId } },
          });
          message.success(t('已核对通过，作品进入审核'));
          await list.reload();
        } catch (err) {
          fail(err);
        }
      },
    });

  const [rejecting, setRejecting] = useState<OfflinePaymentItem>();

  return (
    <>
      <PageTitle>{t('线下付款核对')}</PageTitle>
      {tabBar}
      <Table<OfflinePaymentItem>
        rowKey="paymentId"
        {...tableProps}
        columns={[
          { title: t('流水号'), dataIndex: 'serialNo' },
          {
            title: t('作品名'),
            dataIndex: 'title',
            render: (title, p) => <Link to={`/filings/${p.filingId}`}>{title || t('（未填写）')}</Link>,
          },
          { title: t('金额'), render: (_v, p) => fen(p.amountFen) },
          { title: t('付款方式'), render: (_v, p) => t(channelLabel[p.channel]) },
          { title: t('付款人'), dataIndex: 'payerName' },
          { title: t('付款凭证号'), dataIndex: 'reference' },
          { title: t('付款日期'), dataIndex: 'paidOn' },
          { title: t('提交时间'), render: (_v, p) => when(p.submittedAt) },
          {
            title: t('状态'),
            render: (_v, p) =>
              p.status === 'pending' ? (
                <Tag color="orange">{t('待核对')}</Tag>
              ) : p.status === 'confirmed' ? (
                <Tag color="green">{t('已通过')}</Tag>
              ) : (
                <Tag color="red">{t('未通过：{reason}', { reason: p.rejectReason ?? '' })}</Tag>
              ),
          },
          {
            title: t('操作'),
            render: (_v, p) =>
              p.status === 'pending' ? (
                <Space>
                  <Button size="small" type="primary" onClick={() => confirm(p)} data-testid="confirm-offline">
                    {t('核对通过')}
                  </Button>
                  <Button size="small" danger onClick={() => setRejecting(p)}>
                    {t('不通过')}
                  </Button>
                </Space>
              ) : null,
          },
        ]}
      />
      <NoteDialog
        title={t('核对不通过')}
        placeholder={t('如：未查到该笔到账记录，请核对付款凭证号')}
        onClose={() => setRejecting(undefined)}
        submit={
          rejecting &&
          (async (reason) => {
            await client.POST('/api/payment/finance/offline/{paymentId}/reject', {
              params: { path: { paymentId: rejecting.paymentId } },
              body: { reason },
            });
            message.success(t('已退回，申请人可重新填写付款信息'));
            await list.reload();
          })
        }
      />
    </>
  );
}

/** 退费: refunds of refused registrations; online ones go back through the gateway, offline ones are tasks. */
export function FinanceRefunds() {
  const t = useT();
  const when = useWhen();
  const { list, tabBar, tableProps } = useStatusList('/api/payment/finance/refunds', [
    { key: 'pending', label: t('待退费') },
    { key: 'done', label: t('已退费') },
  ]);
  const { message } = App.useApp();
  const [doing, setDoing] = useState<RefundItem>();
  return (
    <>
      <PageTitle>{t('退费')}</PageTitle>
      {tabBar}
      <Table<RefundItem>
        rowKey="refundId"
        {...tableProps}
        columns={[
          { title: t('流水号'), dataIndex: 'serialNo' },
          {
            title: t('作品名'),
            dataIndex: 'title',
            render: (title, r) => <Link to={`/filings/${r.filingId}`}>{title || t('（未填写）')}</Link>,
          },
          { title: t('付款方式'), render: (_v, r) => (r.method === 'online' ? t('线上') : t('线下')) },
          { title: t('金额'), render: (_v, r) => fen(r.amountFen) },
          { title: t('付款人'), dataIndex: 'payerName' },
          { title: t('付款凭证号'), dataIndex: 'reference' },
          { title: t('创建时间'), render: (_v, r) => when(r.createdAt) },
          {
            title: t('状态'),
            render: (_v, r) =>
              r.status === 'done' ? (
                <Tag color="green">{t('已退费 {time}', { time: when(r.doneAt) })}</Tag>
              ) : (
                <Tag color="orange">{t('待退费')}</Tag>
              ),
          },
          { title: t('备注'), dataIndex: 'note' },
          {
            title: t('操作'),
            render: (_v, r) =>
              r.status === 'pending' ? (
                <Button size="small" type="primary" onClick={() => setDoing(r)} data-testid="refund-done">
                  {t('已退费')}
                </Button>
              ) : null,
          },
        ]}
      />
      <NoteDialog
        title={t('登记退费')}
        placeholder={t('退款凭证号、退款日期等')}
        onClose={() => setDoing(undefined)}
        submit={
          doing &&
          (async (note) => {
            await client.POST('/api/payment/finance/refunds/{refundId}/done', {
              params: { path: { refundId: doing.refundId } },
              body: { note },
            });
            message.success(t('退费已登记'));
            await list.reload();
          })
        }
      />
    </>
  );
}

/** Status tabs over a paged list (a new tab starts at page 1), and the table's common props. */
function useStatusList<P extends PagedPath>(endpoint: P, tabs: { key: string; label: string }[]) {
  const [status, setStatus] = useState(tabs[0]?.key ?? '');
  const list = usePaged(endpoint, { status });
  const tabBar = (
    <Tabs
      activeKey={status}
      onChange={(k) => {
        setStatus(k);
        list.setPage(1);
      }}
      items={tabs}
    />
  );
  const tableProps = {
    size: 'small' as const,
    loading: list.loading,
    dataSource: list.items,
    pagination: list.pagination,
    scroll: { x: 'max-content' as const },
  };
  return { list, tabBar, tableProps };
}

/** A dialog asking for a required note or reason; open while SUBMIT is given. */
function NoteDialog(props: {
  title: string;
  placeholder: string;
  submit?: (text: string) => Promise<void>;
  onClose: () => void;
}) {
  const [text, setText] = useState('');
  const fail = useFailure();
  return (
    <Modal
      title={props.title}
      open={!!props.submit}
      onCancel={props.onClose}
      okButtonProps={{ disabled: !text.trim() }}
      onOk={async () => {
        try {
          await props.submit?.(text);
          setText('');
          props.onClose();
        } catch (err) {
          fail(err);
        }
      }}
    >
      <Input.TextArea rows={3} value={text} onChange={(e) => setText(e.target.value)} placeholder={props.placeholder} />
    </Modal>
  );
}
