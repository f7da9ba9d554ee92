import {
  duplicateReasonLabel,
  duplicateReasonLabelEn,
  jurisdictionBasisLabel,
  jurisdictionBasisLabelEn,
} from '@copyreg/proto/src/review-checks';
import { Card, List, Space, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { Link } from 'react-router-dom';
import { useLang } from '../i18n';
import type { StaffFilingView } from '../proto';

/** This card's own words in both languages (the labels of the checks' results come from proto). */
const words = {
  title: { zh: '疑似重复登记与管辖', en: 'Possible duplicates and jurisdiction' },
  jurisdiction: { zh: '管辖', en: 'Jurisdiction' },
  region: { zh: '证件登记地', en: 'Region of the ID document' },
  proofs: { zh: '在浙证明 {n} 份（见身份证明）', en: '{n} proof(s) of residence (see the identity proofs)' },
  none: { zh: '未发现疑似重复登记', en: 'No possible duplicates found' },
  number: { zh: '登记号', en: 'Registration number' },
  notRegistered: { zh: '未登记', en: 'not registered' },
  similarity: { zh: '相似度', en: 'similarity' },
  authors: { zh: '相同作者', en: 'same author(s)' },
  found: { zh: '发现于', en: 'found' },
  atSubmission: { zh: '提交时', en: 'at submission' },
  atFinal: { zh: '终审前', en: 'before certification' },
} as const;

/**
 * What the duplicate and jurisdiction checks found, for the reviewer only (the staff view carries
 * them; an applicant's view never does): each other filing linked by its id, with its number.
 */
export function ReviewChecks({ view }: { view: StaffFilingView }) {
  const { lang } = useLang();
  const w = (k: keyof typeof words, n?: number) => words[k][lang].replace('{n}', String(n ?? ''));
  const j = view.jurisdiction;
  const dups = view.possibleDuplicates ?? [];
  const reasons = lang === 'en' ? duplicateReasonLabelEn : duplicateReasonLabel;
  return (
    <Card size="small" title={w('title')} style={{ marginBottom: 16 }} data-testid="review-checks">
      {j ? (
        <div style={{ marginBottom: 8 }} data-testid="jurisdiction">
          <Typography.Text strong>{w('jurisdiction')}</Typography.Text>{' '}
          <Tag color={j.basis === 'missing' ? 'red' : j.basis === 'residence_proof' ? 'orange' : 'green'}>
            {(lang === 'en' ? jurisdictionBasisLabelEn : jurisdictionBasisLabel)[j.basis]}
          </Tag>
          {j.documentRegion ? (
            <Typography.Text type="secondary">
              {w('region')} {j.documentRegion}
            </Typography.Text>
          ) : null}
          {j.residenceProofIds?.length ? (
            <Typography.Text type="secondary"> · {w('proofs', j.residenceProofIds.length)}</Typography.Text>
          ) : null}
        </div>
      ) : null}
      {dups.length === 0 ? (
        <Typography.Text type="secondary">{w('none')}</Typography.Text>
      ) : (
        <List
          size="small"
          dataSource={dups}
          data-testid="possible-duplicates"
          renderItem={(d) => (
            <List.Item key={`${d.filingId}-${d.reason}`}>
              <Space direction="vertical" size={0}>
                <Space wrap>
                  <Tag color="red">{reasons[d.reason]}</Tag>
                  <Link to={`/filings/${d.filingId}`} data-testid="duplicate-link">
                    <span lang="zh-CN">{d.title}</span> · {d.serialNo}
                  </Link>
                </Space>
                <Typography.Text type="secondary">
                  {w('number')}{' '}
                  {d.registrationNumber ? <span lang="zh-CN">{d.registrationNumber}</span> : w('notRegistered')}
                  {d.similarity !== undefined ? ` · ${w('similarity')} ${d.similarity.toFixed(2)}` : ''}
                  {d.commonAuthors?.length ? ` · ${w('authors')} ` : ''}
                  {d.commonAuthors?.length ? <span lang="zh-CN">{d.commonAuthors.join('、')}</span> : null}
                  {` · ${w('found')} ${dayjs(d.foundAt).format('YYYY-MM-DD')} ${w(d.stage === 'final_review' ? 'atFinal' : 'atSubmission')}`}
                </Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  );
}
