import { Alert, Button, Card, Col, Row, Steps, Typography } from 'antd';
import { Link, useNavigate } from 'react-router-dom';
import { PageTitle } from '../layout/AppLayout';
import { loginUrl, useSession } from '../session';

/** 首页: the 作品自愿登记须知 and the flow of the manual. */
export function Home() {
  const { me } = useSession();
  const navigate = useNavigate();
  return (
    <>
      <PageTitle>作品自愿登记须知</PageTitle>
      <Row gutter={24}>
        <Col xs={24} md={15}>
          <Typography>
            <ol style={{ lineHeight: 2 }}>
              <li>
                《中华人民共和国著作权法》所称的作品，是指文学、艺术和科学领域内具有独创性并能以一定形式表现的智力成果。
              </li>
              <li>我国采取自动取得原则，当作品创作完成后，只要符合法律上作品的条件，著作权即产生。</li>
              <li>作品实行自愿登记。作品不论是否登记，作者或其他著作权人依法取得的著作权不受影响。</li>
              <li>登记过程仅对作品的权属信息做形式审查，一般对著作权的归属只能起到初步证明的作用。</li>
              <li>具体登记要求以当地著作权管理部门相关规章制度为准。</li>
              <li>
                浙江省版权局负责浙江省内的作者或其他著作权人的作品自愿登记工作（<b>计算机软件著作权登记除外</b>）。
              </li>
            </ol>
          </Typography>
          <Alert
            type="info"
            showIcon
            message="如果作品内容符合登记要求且作品填报完整无误的话，整个流程30个工作日内出证。"
            description="审核通过的作品，事项办结时间以平台内电子证书的出证时间为准。纸质证书将根据实际情况按用户预留信息依次安排邮寄或自取，不再另行确认。"
          />
        </Col>
        <Col xs={24} md={9}>
          <Card title="办理" size="small">
            {me ? (
              <Button type="primary" block size="large" onClick={() => navigate('/filings/new')}>
                在线办理：作品填报
              </Button>
            ) : (
              <Button type="primary" block size="large" href={loginUrl('/')} data-testid="login">
                通过浙江政务服务网登录
              </Button>
            )}
            <Typography.Paragraph type="secondary" style={{ marginTop: 12, fontSize: 12 }}>
              若无“浙江政务服务网”账户，需先按“浙江政务服务网”要求注册账户并完成手机绑定和实名认证，再按流程登录填报。
              单位用户若未曾办理法人数字证书，需先自行在“e照通”APP内办理法人数字证书。
            </Typography.Paragraph>
            <Link to="/verify">证书查验（无需登录）</Link>
            <br />
            <Link to="/registry">登记公告（无需登录）</Link>
          </Card>
        </Col>
      </Row>
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        作品自愿登记流程
      </Typography.Title>
      <Steps
        size="small"
        items={[
          { title: '资料完善' },
          { title: '作品填报' },
          { title: '电子签章' },
          { title: '提交与缴费' },
          { title: '初审' },
          { title: '终审' },
          { title: '发证' },
        ]}
      />
    </>
  );
}
