import { Descriptions, Table, Typography } from 'antd';
import { formatFileSize } from '../file-size';
import { StoredFile } from '../files';
import { useT } from '../i18n';
import { useLabels } from '../labels';
import type { FilingContent, UploadRef } from '../proto';

/** The whole filing, read-only: what staff review and what the applicant submitted. */
export function FilingContentView({ content }: { content: Partial<FilingContent> }) {
  const t = useT();
  const L = useLabels();
  const c = content;
  const files = (refs: UploadRef[] = []) =>
    refs.length
      ? refs.map((u) => (
          <div key={u.uploadId}>
            <StoredFile upload={u} /> <Typography.Text type="secondary">({formatFileSize(u.size)})</Typography.Text>
          </div>
        ))
      : t('无');
  return (
    <>
      <Descriptions bordered size="small" column={2} title={t('作品基本信息')}>
        <Descriptions.Item label={t('作品名称')} span={2}>
          {c.title}
        </Descriptions.Item>
        <Descriptions.Item label={t('作品类别')}>{c.workType ? L.workType[c.workType] : ''}</Descriptions.Item>
        <Descriptions.Item label={t('作品创作性质')}>
          {c.creationNature ? L.creationNature[c.creationNature] : ''}
        </Descriptions.Item>
        <Descriptions.Item label={t('创作完成日期')}>{c.completedOn}</Descriptions.Item>
        <Descriptions.Item label={t('发表状态')}>
          {c.published
            ? t('已发表（{date} {place}）', { date: c.firstPublishedOn ?? '', place: c.firstPublishedPlace ?? '' })
            : t('未发表')}
        </Descriptions.Item>
        <Descriptions.Item label={t('权利归属方式')}>
          {c.ownershipMode ? L.ownershipMode[c.ownershipMode] : ''}
        </Descriptions.Item>
        <Descriptions.Item label={t('权利取得方式')}>
          {c.acquisitionMode ? L.acquisitionMode[c.acquisitionMode] : ''}
        </Descriptions.Item>
        <Descriptions.Item label={t('权利拥有状况')} span={2}>
          {c.rightsScope === 'all' ? t('全部') : (c.rights ?? []).map((r) => L.right[r]).join(t('、'))}
        </Descriptions.Item>
        <Descriptions.Item label={t('作品简介及创意')} span={2}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{c.description}</Typography.Paragraph>
        </Descriptions.Item>
        <Descriptions.Item label={t('创作经过及意图')} span={2}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{c.creationProcess}</Typography.Paragraph>
        </Descriptions.Item>
        <Descriptions.Item label={t('样本')}>{files(c.samples)}</Descriptions.Item>
        <Descriptions.Item label={t('附件')}>{files(c.attachments)}</Descriptions.Item>
        <Descriptions.Item label={t('电子发票接收邮箱')}>{c.invoiceEmail}</Descriptions.Item>
        <Descriptions.Item label={t('纸质证书发放方式')}>
          {c.certificateDelivery === 'pickup' ? t('自领') : t('邮寄')}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('著作权人信息')}
      </Typography.Title>
      <Table
        size="small"
        pagination={false}
        rowKey={(_h, i) => String(i)}
        dataSource={c.holders ?? []}
        columns={[
          { title: t('序号'), render: (_v, _h, i) => i + 1, width: 60 },
          { title: t('类型'), render: (_v, h) => (h.holderType === 'individual' ? t('个人') : t('单位')) },
          { title: t('姓名/名称'), dataIndex: 'name' },
          { title: t('证件号'), render: (_v, h) => `${L.idType[h.idType]} ${h.idNumber}` },
          { title: t('经办人'), dataIndex: 'handler' },
          { title: t('所在区域'), render: (_v, h) => L.region(h.region) },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('作者')}
      </Typography.Title>
      <Typography.Paragraph>
        {(c.authors ?? [])
          .map((a) =>
            a.signature ? t('{name}（署名：{signature}）', { name: a.name, signature: a.signature }) : a.name,
          )
          .join(t('、')) || t('无')}
        {c.writer
          ? t('；执笔者：{name}（{idType} {idNumber}）', {
              name: c.writer.name,
              idType: L.idType[c.writer.idType],
              idNumber: c.writer.idNumber,
            })
          : ''}
      </Typography.Paragraph>
    </>
  );
}
