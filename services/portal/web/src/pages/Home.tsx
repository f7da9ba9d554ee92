import { Alert, Button, Card, Col, Empty, List, Row, Space, Steps, Tag, Typography } from 'antd';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { SigningDialog } from '../components/SigningDialog';
import { localeOf, Rich, useLang, useT } from '../i18n';
import { statusColor, useLabels } from '../labels';
import { PageTitle } from '../layout/AppLayout';
import { nextAction } from '../next-action';
import { usePaged } from '../paging';
import type { FilingListItem } from '../proto';
import { loginUrl, useSession } from '../session';

/** 我的办件: the applicant's latest works, each with its status and the one thing to do next. */
function MyWorks() {
  const works = usePaged('/api/filing/filings', { list: 'all' });
  const [signing, setSigning] = useState<string>();
  const navigate = useNavigate();
  const t = useT();
  const { lang } = useLang();
  const L = useLabels();
  const shown = works.items.slice(0, 5);
  return (
    <Card
      size="small"
      title={<h2 style={{ fontSize: 'inherit', margin: 0 }}>{t('我的办件')}</h2>}
      extra={
        works.total > shown.length ? <Link to="/works/all">{t('全部作品（{n}）', { n: works.total })}</Link> : null
      }
      style={{ marginBottom: 24 }}
      data-testid="my-works"
    >
      <List<FilingListItem>
        loading={works.loading}
        dataSource={shown}
        locale={{ emptyText: <Empty description={t('还没有作品，点击“在线办理：作品填报”开始')} /> }}
        renderItem={(f) => {
          const next = nextAction(f.filingId, f.status);
          return (
            <List.Item
              data-testid="my-work"
              actions={[
                <Button
                  key="next"
                  type={next.primary ? 'primary' : 'default'}
                  data-testid="next-action"
                  onClick={() => (next.sign ? setSigning(f.filingId) : navigate(next.to ?? `/filings/${f.filingId}`))}
                >
                  {t(next.label)}
                </Button>,
              ]}
            >
              <List.Item.Meta
                title={<Link to={`/filings/${f.filingId}`}>{f.title || t('（未填写）')}</Link>}
                description={
                  <Space size={4} wrap>
                    <Tag color={statusColor[f.status]} data-testid="my-work-status">
                      {L.status[f.status]}
                    </Tag>
                    {f.appliedAt
                      ? t('申请日期 {date}', { date: new Date(f.appliedAt).toLocaleDateString(localeOf(lang)) })
                      : null}
                  </Space>
                }
              />
            </List.Item>
          );
        }}
      />
      {signing ? (
        <SigningDialog
          filingId={signing}
          onClose={() => {
            setSigning(undefined);
            void works.reload();
          }}
        />
      ) : null}
    </Card>
  );
}

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
      {me && applicant && me.profileComplete ? <MyWorks /> : null}
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
