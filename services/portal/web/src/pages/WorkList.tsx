import { Button, Empty, Input, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router-dom';
import { client, link } from '../api';
import { SigningDialog } from '../components/SigningDialog';
import { useFailure } from '../forms';
import { localeOf, tk, useLang, useT } from '../i18n';
import { statusColor, useLabels } from '../labels';
import { PageTitle } from '../layout/AppLayout';
import { usePaged } from '../paging';
import { type FilingListItem, ListName } from '../proto';

/** The sidebar's lists, with the manual's notes. */
export const listMeta: Record<ListName, { title: string; hint?: string }> = {
  to_submit: {
    title: tk('待提交作品（含初审退回作品）'),
    hint: tk(
      '暂存的作品和初审退回修改的作品。退回修改的作品，需按要求修改后重新签章提交，无需重复缴费，办理时限以重新提交时间计算。',
    ),
  },
  to_sign: {
    title: tk('待签章作品'),
    hint: tk(
      '用户若点击“修改”对作品填报信息进行修改或重新保存的，需重新进行电子签章。完成全部电子签章的作品，相应操作栏显示“提交”按钮，点击“提交”即可提交。',
    ),
  },
  to_pay: { title: tk('待缴费作品'), hint: tk('作品提交时需按要求进行缴费（150元/件），付款方式选择后将无法变更。') },
  all: { title: tk('作品列表') },
  initial_review: {
    title: tk('待初审作品'),
    hint: tk('已提交作品请用户耐心等待审核结果（整个流程30个工作日内办结）。'),
  },
  final_review: { title: tk('待终审作品'), hint: tk('已提交作品请用户耐心等待审核结果（整个流程30个工作日内办结）。') },
  certified: {
    title: tk('已发证作品'),
    hint: tk(
      '审核通过的作品，平台会自动生成电子证书。纸质证书将根据实际情况依次安排邮寄或自取：选择邮寄的，事项办结后将陆续制证和邮寄（顺丰到付）；选择自领的，请在收到电子发票后于工作时间内前来领取。',
    ),
  },
  other: { title: tk('其他'), hint: tk('不予登记并退费、撤回及逾期未补正视为撤回的作品。') },
};

/** 用户 / 我的作品: one list of the sidebar, with the actions the filing service offers for each state. */
export function WorkList({ regional }: { regional?: boolean }) {
  const params = useParams();
  const list = ListName.safeParse(params.view).success ? (params.view as ListName) : 'all';
  const navigate = useNavigate();
  const fail = useFailure();
  const t = useT();
  const { lang } = useLang();
  const L = useLabels();
  const when = (iso?: string) => (iso ? new Date(iso).toLocaleDateString(localeOf(lang)) : '');
  const [title, setTitle] = useState('');
  const [signing, setSigning] = useState<string>();
  const paged = usePaged(
    regional ? '/api/filing/region/filings' : '/api/filing/filings',
    regional ? { title } : { list, title },
  );
  const meta = regional ? { title: '下级部门作品', hint: tk('本地区及下级地区的作品（只读）。') } : listMeta[list];

  const run = async (fn: () => Promise<unknown>) => {
    try {
      await fn();
    } catch (err) {
      fail(err);
    }
  };

  const actions = (f: FilingListItem) => {
    const a = new Set(f.actions);
    return (
      <Space size={0} wrap>
        {a.has('edit') ? (
          <Button size="small" type="link" data-testid="edit" onClick={() => navigate(`/filings/${f.filingId}/edit`)}>
            {t('修改')}
          </Button>
        ) : null}
        {a.has('sign') ? (
          <Button size="small" type="link" onClick={() => setSigning(f.filingId)} data-testid="open-signing">
            {t('签章')}
          </Button>
        ) : null}
        {a.has('submit') ? (
          <Button
            size="small"
            type="link"
            data-testid="submit"
            onClick={() =>
              run(async () => {
                await client.POST('/api/filing/filings/{filingId}/submit', {
                  params: { path: { filingId: f.filingId } },
                });
                navigate(`/filings/${f.filingId}/pay`);
              })
            }
          >
            {t('提交')}
          </Button>
        ) : null}
        {a.has('view_form') ? (
          <Button
            size="small"
            type="link"
            href={link('/api/signature/filings/{filingId}/form', { filingId: f.filingId })}
            target="_blank"
          >
            {t('查看表单')}
          </Button>
        ) : null}
        {a.has('pay') ? (
          <Button size="small" type="link" data-testid="pay" onClick={() => navigate(`/filings/${f.filingId}/pay`)}>
            {t('缴费')}
          </Button>
        ) : null}
        {f.status === 'certified' || f.status === 'delivered' ? (
          <Button
            size="small"
            type="link"
            href={link('/api/certificate/certificates/{filingId}/pdf', { filingId: f.filingId })}
            data-testid="download-certificate"
          >
            {t('下载证书')}
          </Button>
        ) : null}
        {a.has('view') ? (
          <Button size="small" type="link" onClick={() => navigate(`/filings/${f.filingId}`)}>
            {t('查看')}
          </Button>
        ) : null}
        {a.has('delete') ? (
          <Button
            size="small"
            type="link"
            danger
            onClick={() =>
              run(async () => {
                await client.DELETE('/api/filing/filings/{filingId}', { params: { path: { filingId: f.filingId } } });
                await paged.reload();
              })
            }
          >
            {t('删除')}
          </Button>
        ) : null}
      </Space>
    );
  };

  return (
    <>
      <PageTitle
        extra={
          <Input.Search
            placeholder={t('标题')}
            allowClear
            style={{ width: 240 }}
            onSearch={(v) => {
              setTitle(v);
              paged.setPage(1);
            }}
          />
        }
      >
        {t(meta.title)}
      </PageTitle>
      {meta.hint ? (
        <Typography.Paragraph type="secondary" className="hint">
          {t(meta.hint)}
        </Typography.Paragraph>
      ) : null}
      <Table<FilingListItem>
        rowKey="filingId"
        size="middle"
        loading={paged.loading}
        dataSource={paged.items}
        pagination={paged.pagination}
        locale={{ emptyText: <Empty description={t('暂无数据')} /> }}
        columns={
          regional
            ? [
                {
                  title: t('作品名称'),
                  dataIndex: 'title',
                  render: (title, f) => <Link to={`/filings/${f.filingId}`}>{title || t('（未填写）')}</Link>,
                },
                { title: t('作品类型'), render: (_v, f) => (f.workType ? L.workType[f.workType] : '') },
                { title: t('所在地区'), render: (_v, f) => L.region(f.region) },
                {
                  title: t('作品状态'),
                  render: (_v, f) => <Tag color={statusColor[f.status]}>{L.status[f.status]}</Tag>,
                },
                { title: t('操作'), render: (_v, f) => <Link to={`/filings/${f.filingId}`}>{t('查看')}</Link> },
              ]
            : [
                { title: t('流水号'), dataIndex: 'serialNo', width: 150 },
                {
                  title: t('作品名'),
                  dataIndex: 'title',
                  render: (title, f) => <Link to={`/filings/${f.filingId}`}>{title || t('（未填写）')}</Link>,
                },
                {
                  title: t('状态'),
                  render: (_v, f) => (
                    <Tag color={statusColor[f.status]} data-testid="status">
                      {L.status[f.status]}
                    </Tag>
                  ),
                },
                {
                  title: t('备注'),
                  dataIndex: 'remark',
                  render: (r?: string) =>
                    r ? (
                      <Tooltip title={r}>
                        <Typography.Text type="danger" ellipsis style={{ maxWidth: 200 }} data-testid="remark">
                          {r}
                        </Typography.Text>
                      </Tooltip>
                    ) : null,
                },
                { title: t('申请日期'), render: (_v, f) => when(f.appliedAt) },
                { title: t('著作权人'), dataIndex: 'holders' },
                { title: t('作者'), dataIndex: 'authors' },
                { title: t('操作'), render: (_v, f) => actions(f) },
              ]
        }
      />
      {signing ? (
        <SigningDialog
          filingId={signing}
          onClose={() => {
            setSigning(undefined);
            void paged.reload();
          }}
        />
      ) : null}
    </>
  );
}
