import { Descriptions, Table, Typography } from 'antd';
import { formatFileSize } from '../file-size';
import { StoredFile } from '../files';
import {
  acquisitionModeLabel,
  creationNatureLabel,
  idTypeLabel,
  ownershipModeLabel,
  regionLabel,
  rightLabel,
  workTypeLabel,
} from '../labels';
import type { FilingContent, UploadRef } from '../proto';

/** The whole filing, read-only: what staff review and what the applicant submitted. */
export function FilingContentView({ content }: { content: Partial<FilingContent> }) {
  const c = content;
  const files = (refs: UploadRef[] = []) =>
    refs.length
      ? refs.map((u) => (
          <div key={u.uploadId}>
            <StoredFile upload={u} /> <Typography.Text type="secondary">({formatFileSize(u.size)})</Typography.Text>
          </div>
        ))
      : '无';
  return (
    <>
      <Descriptions bordered size="small" column={2} title="作品基本信息">
        <Descriptions.Item label="作品名称" span={2}>
          {c.title}
        </Descriptions.Item>
        <Descriptions.Item label="作品类别">{c.workType ? workTypeLabel[c.workType] : ''}</Descriptions.Item>
        <Descriptions.Item label="作品创作性质">
          {c.creationNature ? creationNatureLabel[c.creationNature] : ''}
        </Descriptions.Item>
        <Descriptions.Item label="创作完成日期">{c.completedOn}</Descriptions.Item>
        <Descriptions.Item label="发表状态">
          {c.published ? `已发表（${c.firstPublishedOn ?? ''} ${c.firstPublishedPlace ?? ''}）` : '未发表'}
        </Descriptions.Item>
        <Descriptions.Item label="权利归属方式">
          {c.ownershipMode ? ownershipModeLabel[c.ownershipMode] : ''}
        </Descriptions.Item>
        <Descriptions.Item label="权利取得方式">
          {c.acquisitionMode ? acquisitionModeLabel[c.acquisitionMode] : ''}
        </Descriptions.Item>
        <Descriptions.Item label="权利拥有状况" span={2}>
          {c.rightsScope === 'all' ? '全部' : (c.rights ?? []).map((r) => rightLabel[r]).join('、')}
        </Descriptions.Item>
        <Descriptions.Item label="作品简介及创意" span={2}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{c.description}</Typography.Paragraph>
        </Descriptions.Item>
        <Descriptions.Item label="创作经过及意图" span={2}>
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', margin: 0 }}>{c.creationProcess}</Typography.Paragraph>
        </Descriptions.Item>
        <Descriptions.Item label="样本">{files(c.samples)}</Descriptions.Item>
        <Descriptions.Item label="附件">{files(c.attachments)}</Descriptions.Item>
        <Descriptions.Item label="电子发票接收邮箱">{c.invoiceEmail}</Descriptions.Item>
        <Descriptions.Item label="纸质证书发放方式">
          {c.certificateDelivery === 'pickup' ? '自领' : '邮寄'}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        著作权人信息
      </Typography.Title>
      <Table
        size="small"
        pagination={false}
        rowKey={(_h, i) => String(i)}
        dataSource={c.holders ?? []}
        columns={[
          { title: '序号', render: (_v, _h, i) => i + 1, width: 60 },
          { title: '类型', render: (_v, h) => (h.holderType === 'individual' ? '个人' : '单位') },
          { title: '姓名/名称', dataIndex: 'name' },
          { title: '证件号', render: (_v, h) => `${idTypeLabel[h.idType]} ${h.idNumber}` },
          { title: '经办人', dataIndex: 'handler' },
          { title: '所在区域', render: (_v, h) => regionLabel(h.region) },
        ]}
      />
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        作者
      </Typography.Title>
      <Typography.Paragraph>
        {(c.authors ?? []).map((a) => (a.signature ? `${a.name}（署名：${a.signature}）` : a.name)).join('、') || '无'}
        {c.writer ? `；执笔者：${c.writer.name}（${idTypeLabel[c.writer.idType]} ${c.writer.idNumber}）` : ''}
      </Typography.Paragraph>
    </>
  );
}
