import {
  type ServiceRequestKind,
  serviceRequestKindLabel,
  serviceRequestKindLabelEn,
} from '@copyreg/proto/src/service-requests';
import { Card, Col, Row, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { tk, useLang, useT } from '../i18n';
import { PageTitle } from '../layout/AppLayout';

const kindHint: Record<ServiceRequestKind, string> = {
  change: tk('更正或补充已登记作品的作品名称、作者、创作完成日期、发表情况等信息。'),
  reissue: tk('证书遗失的申请补证，证书损坏的申请换证。'),
  transfer: tk('著作权转让合同的备案，办结后登记公告显示新的著作权人。'),
  licence: tk('著作权专有许可合同的备案。'),
};

/** 其他登记服务: one card per service (the 长辈版 menu's one entry leads here). */
export function OtherServices() {
  const t = useT();
  const { lang } = useLang();
  const kindLabel = lang === 'en' ? serviceRequestKindLabelEn : serviceRequestKindLabel;
  const services = [
    ...(Object.keys(kindHint) as ServiceRequestKind[]).map((k) => ({
      path: `/services/new/${k}`,
      title: kindLabel[k],
      hint: t(kindHint[k]),
    })),
    {
      path: '/services/revocations',
      title: t('撤销登记'),
      hint: t('申请撤销本人作品的登记，或作为利害关系人申请撤销他人作品的登记；对您的作品提出的撤销登记在此答复。'),
    },
  ];
  return (
    <>
      <PageTitle>{t('其他登记服务')}</PageTitle>
      <Row gutter={[16, 16]}>
        {services.map((s) => (
          <Col xs={24} md={12} key={s.path}>
            <Card
              size="small"
              // A long English name wraps rather than being cut off on a phone.
              styles={{ title: { whiteSpace: 'normal' } }}
              title={<Link to={s.path}>{s.title}</Link>}
              data-testid="service-card"
            >
              <Typography.Paragraph style={{ margin: 0 }}>{s.hint}</Typography.Paragraph>
            </Card>
          </Col>
        ))}
      </Row>
    </>
  );
}
