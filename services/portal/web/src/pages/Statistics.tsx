import type { StatisticsReport, YearlyTable } from '@copyreg/proto/src/registry';
import { Button, Card, Col, DatePicker, Form, InputNumber, Progress, Row, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { get } from '../api';
import { useFailure } from '../forms';
import { categoryLabel, regionLabel } from '../labels';
import { PageTitle } from '../layout/AppLayout';

const outcomeLabel: Record<StatisticsReport['byOutcome'][number]['outcome'], string> = {
  certified: '已登记',
  refused: '不予登记',
  withdrawn: '申请人撤回',
  expired: '逾期未补正（视为撤回）',
  in_progress: '办理中',
};

/** A small table of counts, each with a bar against the largest (the page's chart). */
function Counts({ title, rows }: { title: string; rows: { key: string; label: string; count: number }[] }) {
  const max = Math.max(1, ...rows.map((r) => r.count));
  return (
    <Card size="small" title={title} style={{ marginBottom: 16 }}>
      <Table
        rowKey="key"
        size="small"
        pagination={false}
        dataSource={rows}
        columns={[
          { title: '项目', dataIndex: 'label' },
          { title: '数量', dataIndex: 'count', align: 'right' },
          {
            title: '分布',
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
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().startOf('year'), dayjs()]);
  const [year, setYear] = useState(dayjs().year());
  const [report, setReport] = useState<StatisticsReport>();
  const [table, setTable] = useState<YearlyTable>();
  const [loading, setLoading] = useState(false);

  const load = useCallback(async () => {
    setLoading(true);
    try {
      const [r, t] = await Promise.all([
        get<StatisticsReport>('/api/filing/statistics', {
          from: range[0].format('YYYY-MM-DD'),
          to: range[1].format('YYYY-MM-DD'),
        }),
        get<YearlyTable>('/api/filing/statistics/yearly', { year }),
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
        month: r.month,
        total: r.total,
        ...Object.fromEntries(r.counts.map((c, i) => [`c${i}`, c])),
      }))
    : [];

  return (
    <>
      <PageTitle>统计</PageTitle>
      <Card size="small" title="作品登记统计表（年度）" style={{ marginBottom: 16 }} data-testid="yearly-table">
        <Space wrap style={{ marginBottom: 12 }}>
          <span>年份</span>
          <InputNumber min={2000} max={2100} value={year} onChange={(v) => v && setYear(v)} aria-label="年份" />
          <Button href={`/api/filing/statistics/yearly.xlsx?year=${year}`} data-testid="download-xlsx">
            导出 Excel
          </Button>
          <Button href={`/api/filing/statistics/yearly.csv?year=${year}`} data-testid="download-csv">
            导出 CSV
          </Button>
        </Space>
        <Table
          size="small"
          loading={loading}
          pagination={false}
          scroll={{ x: 'max-content' }}
          dataSource={yearlyRows}
          columns={[
            { title: '月份', dataIndex: 'month', fixed: 'left' },
            { title: '合计', dataIndex: 'total', align: 'right' },
            ...(table?.columns ?? []).map((label, i) => ({
              title: label,
              dataIndex: `c${i}`,
              align: 'right' as const,
            })),
          ]}
        />
      </Card>
      <Form layout="inline" style={{ marginBottom: 16 }}>
        <Form.Item label="登记日期">
          <DatePicker.RangePicker
            allowClear={false}
            value={range}
            onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])}
          />
        </Form.Item>
        <Typography.Text type="secondary" style={{ lineHeight: '32px' }}>
          {report ? `登记 ${report.total} 件` : null}
        </Typography.Text>
      </Form>
      {report ? (
        <Row gutter={16} data-testid="statistics">
          <Col xs={24} md={12} xl={8}>
            <Counts
              title="按作品类别"
              rows={report.byWorkType.map((r) => ({ key: r.workType, label: r.label, count: r.count }))}
            />
          </Col>
          <Col xs={24} md={12} xl={8}>
            <Counts
              title="按地区（市）"
              rows={report.byCity.map((r) => ({
                key: r.city,
                label: r.city === 'unknown' ? '未填写' : regionLabel(r.city),
                count: r.count,
              }))}
            />
            <Counts
              title="按申请人类别"
              rows={report.byApplicantCategory.map((r) => ({
                key: r.category,
                label: r.category === 'unknown' ? '未知' : categoryLabel[r.category],
                count: r.count,
              }))}
            />
          </Col>
          <Col xs={24} md={12} xl={8}>
            <Counts
              title="按月份"
              rows={report.byMonth.map((r) => ({ key: r.month, label: r.month, count: r.count }))}
            />
            <Counts
              title="办理结果（按申请日期）"
              rows={report.byOutcome.map((r) => ({ key: r.outcome, label: outcomeLabel[r.outcome], count: r.count }))}
            />
          </Col>
        </Row>
      ) : null}
    </>
  );
}
