import { Button, DatePicker, Form, Input, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { useT } from '../i18n';
import { useLabels } from '../labels';
import { PageTitle } from '../layout/AppLayout';
import { usePaged } from '../paging';

interface RegistryFilters {
  number?: string;
  title?: string;
  holder?: string;
  registered?: [Dayjs | null, Dayjs | null] | null;
}

/**
 * 登记公告 (public, no login): certified registrations by number, title, holder and 登记日期.
 * People's names come masked from the service where the office masks them; no ID number,
 * phone or address is ever in the answer.
 */
export function Registry() {
  const [filters, setFilters] = useState<Record<string, string | undefined>>({});
  const list = usePaged('/api/filing/registry', filters);
  const t = useT();
  const L = useLabels();
  const search = (v: RegistryFilters) => {
    setFilters({
      number: v.number?.trim() || undefined,
      title: v.title?.trim() || undefined,
      holder: v.holder?.trim() || undefined,
      registeredFrom: v.registered?.[0]?.format('YYYY-MM-DD'),
      registeredTo: v.registered?.[1]?.format('YYYY-MM-DD'),
    });
    list.setPage(1);
  };
  return (
    <>
      <PageTitle>{t('登记公告')}</PageTitle>
      <Typography.Paragraph type="secondary">
        {t(
          '依《作品自愿登记试行办法》第十二条，已登记作品的登记号、作品名称、作品类别、著作权人和登记日期等向社会公开查询。个人著作权人的姓名按规定部分隐去。',
        )}
      </Typography.Paragraph>
      <Form<RegistryFilters>
        layout="inline"
        style={{ marginBottom: 16, rowGap: 8 }}
        onFinish={search}
        data-testid="registry-filters"
      >
        <Form.Item name="number" label={t('登记号')}>
          <Input allowClear placeholder={t('如：浙作登字-2026-F-00000001')} style={{ width: 260 }} />
        </Form.Item>
        <Form.Item name="title" label={t('作品名称')}>
          <Input allowClear />
        </Form.Item>
        <Form.Item name="holder" label={t('著作权人')}>
          <Input allowClear />
        </Form.Item>
        <Form.Item name="registered" label={t('登记日期')}>
          <DatePicker.RangePicker allowEmpty={[true, true]} />
        </Form.Item>
        <Button type="primary" htmlType="submit" data-testid="registry-search">
          {t('查询')}
        </Button>
      </Form>
      <Table
        rowKey="key"
        size="middle"
        loading={list.loading}
        // Keyed by place on the page, not by 登记号 alone: two rows under one number (seen in test
        // data) gave React one key twice, and it left a row of the previous answer on screen.
        dataSource={list.items.map((e, i) => ({ ...e, key: `${e.registrationNumber}#${i}` }))}
        pagination={list.pagination}
        scroll={{ x: 'max-content' }}
        data-testid="registry-table"
        columns={[
          { title: t('登记号'), dataIndex: 'registrationNumber' },
          { title: t('登记日期'), dataIndex: 'registeredOn' },
          { title: t('作品名称'), dataIndex: 'title' },
          { title: t('作品类别'), render: (_v, e) => L.workType[e.workType] },
          { title: t('著作权人'), render: (_v, e) => e.holders.join(t('、')) },
          { title: t('作者'), render: (_v, e) => e.authors.join(t('、')) },
          { title: t('作品完成日期'), dataIndex: 'completedOn' },
          { title: t('首次发表日期'), render: (_v, e) => e.firstPublishedOn ?? t('未发表') },
          {
            title: t('状态'),
            render: (_v, e) =>
              e.status === 'revoked' ? <Tag color="red">{t('已撤销')}</Tag> : <Tag color="green">{t('有效')}</Tag>,
          },
        ]}
      />
    </>
  );
}
