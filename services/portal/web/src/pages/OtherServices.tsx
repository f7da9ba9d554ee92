import { Card, Col, Row, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { tk, useT } from '../i18n';
import { PageTitle } from '../layout/AppLayout';

/** The office's other services (其他登记服务), each a request of its own linked to a registration. */
export const otherServices = [
  {
    path: '/services/revocations',
    title: tk('撤销登记'),
    hint: tk('申请撤销本人作品的登记，或作为利害关系人申请撤销他人作品的登记；对您的作品提出的撤销登记在此答复。'),
  },
] as const;

/** 其他登记服务: one card per service (the 长辈版 menu's one entry leads here). */
export function OtherServices() {
  const t = useT();
  return (
    <>
      <PageTitle>{t('其他登记服务')}</PageTitle>
      <Row gutter={[16, 16]}>
        {otherServices.map((s) => (
          <Col xs={24} md={12} key={s.path}>
            <Card size="small" title={<Link to={s.path}>{t(s.title)}</Link>}>
              <Typography.Paragraph style={{ margin: 0 }}>{t(s.hint)}</Typography.Paragraph>
            </Card>
          </Col>
        ))}
      </Row>
    </>
  );
}
