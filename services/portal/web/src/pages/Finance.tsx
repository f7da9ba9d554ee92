import { App, Button, Input, Modal, Space, Table, Tabs, Tag } from 'antd';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { post } from '../api';
import { useFailure } from '../forms';
import { fen } from '../labels';
import { PageTitle } from '../layout/AppLayout';
import { usePaged } from '../paging';
import type { OfflinePaymentItem, RefundItem } from '../proto';

const channelLabel = { bank_transfer: '银行公对公转账', alipay_transfer: '支付宝转账' } as const;
const when = (iso?: string) => (iso ? new Date(iso).toLocaleString('zh-CN') : '');

/** 缴费核对: offline payments to match against the bank or Alipay statement, then confirm or reject. */
export function FinanceOffline() {
  const { list, tabBar, tableProps } = useStatusList<OfflinePaymentItem>('/api/payment/finance/offline', [
    { key: 'pending', label: '待核对' },
    { key: 'confirmed', label: '已通过' },
    { key: 'rejected', label: '未通过' },
  ]);
  const { message, modal } = App.useApp();
  const fail = useFailure();

  const confirm = (p: OfflinePaymentItem) =>
    modal.confirm({
      title: '确认已收到这笔付款？',
      content: `${p.payerName} · ${channelLabel[p.channel]} · 凭证号 ${p.reference} · ${fen(p.amountFen)}`,
      okText: '核对通过',
      onOk: async () => {
        try {
          await post(`/api/payment/finance/offline/${p.paymentId}/confirm`);
          message.success('已核对通过，作品进入审核');
          await list.reload();
        } catch (err) {
          fail(err);
        }
      },
    });

  const [rejecting, setRejecting] = useState<OfflinePaymentItem>();

  return (
    <>
      <PageTitle>线下付款核对</PageTitle>
      {tabBar}
      <Table<OfflinePaymentItem>
        rowKey="paymentId"
        {...tableProps}
        columns={[
          { title: '流水号', dataIndex: 'serialNo' },
          { title: '作品名', dataIndex: 'title', render: (t, p) => <Link to={`/filings/${p.filingId}`}>{t}</Link> },
          { title: '金额', render: (_v, p) => fen(p.amountFen) },
          { title: '付款方式', render: (_v, p) => channelLabel[p.channel] },
          { title: '付款人', dataIndex: 'payerName' },
          { title: '付款凭证号', dataIndex: 'reference' },
          { title: '付款日期', dataIndex: 'paidOn' },
          { title: '提交时间', render: (_v, p) => when(p.submittedAt) },
          {
            title: '状态',
            render: (_v, p) =>
              p.status === 'pending' ? (
                <Tag color="orange">待核对</Tag>
              ) : p.status === 'confirmed' ? (
                <Tag color="green">已通过</Tag>
              ) : (
                <Tag color="red">未通过：{p.rejectReason}</Tag>
              ),
          },
          {
            title: '操作',
            render: (_v, p) =>
              p.status === 'pending' ? (
                <Space>
                  <Button size="small" type="primary" onClick={() => confirm(p)} data-testid="confirm-offline">
                    核对通过
                  </Button>
                  <Button size="small" danger onClick={() => setRejecting(p)}>
                    不通过
                  </Button>
                </Space>
              ) : null,
          },
        ]}
      />
      <NoteDialog
        title="核对不通过"
        placeholder="如：未查到该笔到账记录，请核对付款凭证号"
        onClose={() => setRejecting(undefined)}
        submit={
          rejecting &&
          (async (reason) => {
            await post(`/api/payment/finance/offline/${rejecting.paymentId}/reject`, { reason });
            message.success('已退回，申请人可重新填写付款信息');
            await list.reload();
          })
        }
      />
    </>
  );
}

/** 退费: refunds of refused registrations; online ones go back through the gateway, offline ones are tasks. */
export function FinanceRefunds() {
  const { list, tabBar, tableProps } = useStatusList<RefundItem>('/api/payment/finance/refunds', [
    { key: 'pending', label: '待退费' },
    { key: 'done', label: '已退费' },
  ]);
  const { message } = App.useApp();
  const [doing, setDoing] = useState<RefundItem>();
  return (
    <>
      <PageTitle>退费</PageTitle>
      {tabBar}
      <Table<RefundItem>
        rowKey="refundId"
        {...tableProps}
        columns={[
          { title: '流水号', dataIndex: 'serialNo' },
          { title: '作品名', dataIndex: 'title', render: (t, r) => <Link to={`/filings/${r.filingId}`}>{t}</Link> },
          { title: '付款方式', render: (_v, r) => (r.method === 'online' ? '线上' : '线下') },
          { title: '金额', render: (_v, r) => fen(r.amountFen) },
          { title: '付款人', dataIndex: 'payerName' },
          { title: '付款凭证号', dataIndex: 'reference' },
          { title: '创建时间', render: (_v, r) => when(r.createdAt) },
          {
            title: '状态',
            render: (_v, r) =>
              r.status === 'done' ? <Tag color="green">已退费 {when(r.doneAt)}</Tag> : <Tag color="orange">待退费</Tag>,
          },
          { title: '备注', dataIndex: 'note' },
          {
            title: '操作',
            render: (_v, r) =>
              r.status === 'pending' ? (
                <Button size="small" type="primary" onClick={() => setDoing(r)} data-testid="refund-done">
                  已退费
                </Button>
              ) : null,
          },
        ]}
      />
      <NoteDialog
        title="登记退费"
        placeholder="退款凭证号、退款日期等"
        onClose={() => setDoing(undefined)}
        submit={
          doing &&
          (async (note) => {
            await post(`/api/payment/finance/refunds/${doing.refundId}/done`, { note });
            message.success('退费已登记');
            await list.reload();
          })
        }
      />
    </>
  );
}

/** Status tabs over a paged list (a new tab starts at page 1), and the table's common props. */
function useStatusList<T>(endpoint: string, tabs: { key: string; label: string }[]) {
  const [status, setStatus] = useState(tabs[0]?.key ?? '');
  const list = usePaged<T>(endpoint, { status });
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
