import { type StatisticsReport, workTypeColumns, type YearlyTable } from '@copyreg/proto/src/registry';
import { Button, Card, Col, DatePicker, Form, InputNumber, Progress, Row, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { client, link, ok } from '../api';
import { useFailure } from '../forms';
import { tk, useLang, useT } from '../i18n';
import { useLabels } from '../labels';
import { PageTitle } from '../layout/AppLayout';

const outcomeLabel: Record<StatisticsReport['byOutcome'][number]['outcome'], string> = {
  certified: tk('已登记'),
  revoked: tk('已撤销'),
  refused: tk('不予登记'),
  withdrawn: tk('申请人撤回'),
  expired: tk('逾期未补正（视为撤回）'),
  in_progress: tk('办理中'),
};

/** A small table of counts, each with a bar against the largest (the page's chart). */
function Counts({ title, rows }: { title: string; rows: { key: string; label: string; count: number }[] }) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  const t = useT();
  return (
    <Card size="small" title={title} style={{ marginBottom: 16 }}>
      <Table
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={rows}
        columns={[
          { title: t('项目'), dataIndex: 'label' },
          { title: t('数量'), dataIndex: 'count', align: 'right' },
          {
            title: t('分布'),
            width: '40%',
            render: (_v, r) => (
              <Progress
                percent={(r.count / max) * 100}
                showInfo={false}
                status="normal"
                size="small"
                aria-label={`${r.label} ${r.count}`}
              />
            ),
          },
        ]}
      />
    </Card>
  );
}

/** 统计 (reviewers and admin): counts over a date range, and the yearly table to download. */
export function Statistics() {
  const fail = useFailure();
  const t = useT();
  const { lang } = useLang();
  const L = useLabels();
  /** The yearly table's column (the service names it in Chinese) and month (1月, 合计) in the language shown. */
  const columnLabel = (label: string) => {
    const c = workTypeColumns.find((w) => w.label === label);
    return lang === 'en' && c ? L.workType[c.workType] : label;
  };
  const monthLabel = (m: string) => {
    if (lang === 'zh') return m;
    const n = /^(\d+)月$/.exec(m)?.[1];
    return n ? new Date(2000, Number(n) - 1, 1).toLocaleString('en-GB', { month: 'short' }) : t(m);
  };
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('year'), dayjs()]);
  const [year, setYear] = useState(dayjs().year());
  const [report, setReport] = useState<StatisticsReport>();
  const [table, setTable] = useState<YearlyTable>();
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const [r, t] = await Promise.all([
        ok(
          client.GET('/api/filing/statistics', {
            params: { query: { from: range[0].format('YYYY-MM-DD'), to: range[1].format('YYYY-MM-DD') } },
          }),
        ),
        ok(client.GET('/api/filing/statistics/yearly', { params: { query: { year } } })),
      ]);
      setReport(r);
      setTable(t);
    } catch (err) {
      fail(err);
    } finally {
      setLoading(false);
    }
  }, [range, year, fail]);
  useEffect(() => {
    void load();
  }, [load]);

  const yearlyRows = table
    ? [...table.rows, table.totals].map((r) => ({
        key: r.month,
        month: monthLabel(r.month),
        total: r.total,
        ...Object.fromEntries(r.counts.map((c, i) => [`c${i}`, c])),
      }))
    : [];

  return (
    <>
      <PageTitle>{t('统计')}</PageTitle>
      <Card size="small" title={t('作品登记统计表（年度）')} style={{ marginBottom: 16 }} data-testid="yearly-table">
        <Space wrap style={{ marginBottom: 12 }}>
          <span>{t('年份')}</span>
          <InputNumber min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} aria-label={t('年份')} />
          <Button href={link('/api/filing/statistics/yearly.xlsx', {}, { year })} data-testid="download-xlsx">
            {t('导出 Excel')}
          </Button>
          <Button href={link('/api/filing/statistics/yearly.csv', {}, { year })} data-testid="download-csv">
            {t('导出 CSV')}
          </Button>
        </Space>
        <Table
          size="small"
          loading={loading}
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={yearlyRows}
          columns={[
            { title: t('月份'), dataIndex: 'month', fixed: 'left' },
            { title: t('合计'), dataIndex: 'total', align: 'right' },
            ...(table?.columns ?? []).map((label, i) => ({
              title: columnLabel(label),
              dataIndex: `c${i}`,
              align: 'right' as const,
            })),
          ]}
        />
      </Card>
      <Form layout="inline" style={{ marginBottom: 16 }}>
        <Form.Item label={t('登记日期')}>
          <DatePicker.RangePicker
            allowClear={false}
            value={range}
            onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
          />
        </Form.Item>
        <Typography.Text type="secondary" style={{ lineHeight: '32px' }}>
          {report ? t('登记 {n} 件', { n: report.total }) : null}
        </Typography.Text>
      </Form>
      {report ? (
        <Row gutter={16} data-testid="statistics">
          <Col xs={24} md={12} xl={8}>
            <Counts
              title={t('按作品类别')}
              rows={report.byWorkType.map((r) => ({ key: r.workType, label: columnLabel(r.label), count: r.count }))}
            />
          </Col>
          <Col xs={24} md={12} xl={8}>
            <Counts
              title={t('按地区（市）')}
              rows={report.byCity.map((r) => ({
                key: r.city,
                label: r.city === 'unknown' ? t('未填写') : L.region(r.city),
                count: r.count,
              }))}
            />
            <Counts
              title={t('按申请人类别')}
              rows={report.byApplicantCategory.map((r) => ({
                key: r.category,
                label: r.category === 'unknown' ? t('未知') : L.category[r.category],
                count: r.count,
              }))}
            />
          </Col>
          <Col xs={24} md={12} xl={8}>
            <Counts
              title={t('按月份')}
              rows={report.byMonth.map((r) => ({ key: r.month, label: r.month, count: r.count }))}
            />
            <Counts
              title={t('办理结果（按申请日期）')}
              rows={report.byOutcome.map((r) => ({
                key: r.outcome,
                label: t(outcomeLabel[r.outcome]),
                count: r.count,
              }))}
            />
          </Col>
        </Row>
      ) : null}
    </>
  );
}
