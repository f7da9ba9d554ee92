import { Alert, Button, Card, Col, Row, Space, Steps, Typography } from 'antd';
import { Link, useNavigate } from 'react-router-dom';
import { Rich, useT } from '../i18n';
import { PageTitle } from '../layout/AppLayout';
import { loginUrl, useSession } from '../session';

/** 首页: the 作品自愿登记须知 and the flow of the manual. */
export function Home() {
  const { me, has } = useSession();
  const navigate = useNavigate();
  const t = useT();
  const applicant = has('applicant');
  // Where the user is in the flow: 资料完善 until the profile is complete, then 作品填报.
  const step = applicant && me?.profileComplete ? 1 : 0;
  return (
    <>
      <PageTitle>{t('作品自愿登记须知')}</PageTitle>
      <Row gutter={24}>
        <Col xs={24} md={15}>
          <Typography>
            <ol style={{ lineHeight: 2 }}>
              <li>
                {t(
                  '《中华人民共和国著作权法》所称的作品，是指文学、艺术和科学领域内具有独创性并能以一定形式表现的智力成果。',
                )}
              </li>
              <li>{t('我国采取自动取得原则，当作品创作完成后，只要符合法律上作品的条件，著作权即产生。')}</li>
              <li>{t('作品实行自愿登记。作品不论是否登记，作者或其他著作权人依法取得的著作权不受影响。')}</li>
              <li>{t('登记过程仅对作品的权属信息做形式审查，一般对著作权的归属只能起到初步证明的作用。')}</li>
              <li>{t('具体登记要求以当地著作权管理部门相关规章制度为准。')}</li>
              <li>
                <Rich
                  text={t(
                    '浙江省版权局负责浙江省内的作者或其他著作权人的作品自愿登记工作（<b>计算机软件著作权登记除外</b>）。',
                  )}
                />
              </li>
            </ol>
          </Typography>
          <Alert
            type="info"
            showIcon
            message={t('如果作品内容符合登记要求且作品填报完整无误的话，整个流程30个工作日内出证。')}
            description={t(
              '审核通过的作品，事项办结时间以平台内电子证书的出证时间为准。纸质证书将根据实际情况按用户预留信息依次安排邮寄或自取，不再另行确认。',
            )}
          />
        </Col>
        <Col xs={24} md={9}>
          <Card title={t('办理')} size="small">
            {me && applicant && !me.profileComplete ? (
              <Button type="primary" block size="large" onClick={() => navigate('/profile')} data-testid="next-step">
                {t('第一步：完善资料')}
              </Button>
            ) : me ? (
              <Space direction="vertical" style={{ width: '100%' }}>
                <Button
                  type="primary"
                  block
                  size="large"
                  onClick={() => navigate('/filings/new')}
                  data-testid="next-step"
                >
                  {t('在线办理：作品填报')}
                </Button>
                {applicant ? (
                  <Button block size="large" onClick={() => navigate('/works/all')}>
                    {t('我的作品')}
                  </Button>
                ) : null}
              </Space>
            ) : (
              <Button type="primary" block size="large" href={loginUrl('/')} data-testid="login">
                {t('通过浙江政务服务网登录')}
              </Button>
            )}
            <Typography.Paragraph type="secondary" style={{ marginTop: 12 }} className="hint">
              {t(
                '若无“浙江政务服务网”账户，需先按“浙江政务服务网”要求注册账户并完成手机绑定和实名认证，再按流程登录填报。单位用户若未曾办理法人数字证书，需先自行在“e照通”APP内办理法人数字证书。',
              )}
            </Typography.Paragraph>
            <Link to="/verify">{t('证书查验（无需登录）')}</Link>
            <br />
            <Link to="/registry">{t('登记公告（无需登录）')}</Link>
          </Card>
        </Col>
      </Row>
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {t('作品自愿登记流程')}
      </Typography.Title>
      <Steps
        size="small"
        current={step}
        items={[
          { title: t('资料完善') },
          { title: t('作品填报') },
          { title: t('电子签章') },
          { title: t('提交与缴费') },
          { title: t('初审') },
          { title: t('终审') },
          { title: t('发证') },
        ]}
      />
    </>
  );
}
