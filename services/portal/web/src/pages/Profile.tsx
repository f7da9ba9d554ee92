import { Alert, App, Button, Col, Form, Input, Radio, Row, Select, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { client, link } from '../api';
import { MissingItems } from '../components/MissingItems';
import { idNumberRule, Uploads, useFailure, zodRule } from '../forms';
import { localeOf, Rich, useLang, useT } from '../i18n';
import { useLabels } from '../labels';
import { PageTitle } from '../layout/AppLayout';
import { idTypesOfCategory, Mobile, type ProfileInput, type UserCategory, z } from '../proto';
import { useSession } from '../session';

/** 用户信息 → 资料完善: every field of the manual, the identity proofs and its notes. */
export function Profile() {
  const { me, reload } = useSession();
  const [form] = Form.useForm<ProfileInput>();
  const { message } = App.useApp();
  const fail = useFailure();
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const t = useT();
  const { lang } = useLang();
  const L = useLabels();
  const navigate = useNavigate();
  const profile = me?.profile ?? null;
  const category = Form.useWatch('category', form) as UserCategory | undefined;
  // The ID document is the one the real-name login verified (or, once saved, the profile's): the
  // service saves no other, so the user sees it filled in and cannot change it.
  const verified = me?.verifiedId;
  const idFixed = !!profile || !!verified;
  // 用户类别选择后不可自行修改: fixed once a profile is saved, or by the verified document's kind.
  const categoryFixed = idFixed;

  useEffect(() => {
    if (profile) form.setFieldsValue(profile as ProfileInput);
    else if (me?.name) form.setFieldsValue({ name: me.name, handler: me.name });
  }, [profile, me?.name, form]);
  const hasProfile = !!profile;
  const [verifiedType, verifiedNumber] = [verified?.idType, verified?.idNumber];
  useEffect(() => {
    if (hasProfile || !verifiedType || !verifiedNumber) return;
    const organisation = idTypesOfCategory('organisation').includes(verifiedType);
    form.setFieldsValue({
      category: organisation ? 'organisation' : 'individual',
      idType: verifiedType,
      idNumber: verifiedNumber,
    });
  }, [hasProfile, verifiedType, verifiedNumber, form]);

  const save = async (values: ProfileInput) => {
    setSaving(true);
    try {
      await client.PUT('/api/identity/profile', { body: values });
      message.success(t('资料已保存'));
      await reload();
      setSaved(true);
    } catch (err) {
      fail(err, form);
    } finally {
      setSaving(false);
    }
  };

  const idTypes = category ? idTypesOfCategory(category) : [];
  // 管辖: a person or organisation registered outside Zhejiang files with proof of being here.
  const residenceMissing = !!me?.residenceProofRequired && !profile?.residenceProofs?.length;

  return (
    <>
      <PageTitle>{t('资料完善')}</PageTitle>
      {me && !me.profileComplete ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('请先完善资料后再进行作品填报')}
          description={<MissingItems missing={me.missing} />}
          data-testid="profile-missing"
        />
      ) : null}
      {residenceMissing ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('证件登记地在浙江省外：提交作品前请上传在浙工作/学习/居住证明')}
          description={<a href="#profile-residence">{t('上传在浙工作/学习/居住证明')}</a>}
          data-testid="residence-missing"
        />
      ) : null}
      {me?.profileComplete && saved && !residenceMissing ? (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('资料已完善，可以填报作品了')}
          action={
            <Button type="primary" onClick={() => navigate('/filings/new')} data-testid="next-step">
              {t('下一步：作品填报')}
            </Button>
          }
          data-testid="profile-complete"
        />
      ) : null}
      <div id="profile-form" />
      <Form
        form={form}
        layout="vertical"
        onFinish={save}
        requiredMark
        initialValues={{ category: 'individual', idType: 'resident_id' }}
        data-testid="profile-form"
      >
        <Form.Item
          name="category"
          label={t('类别')}
          rules={[{ required: true }]}
          extra={
            <Rich
              text={t(
                '用户类别选择后不可自行修改，<b>代理公司或代理律师请在完善资料后联系工作人员</b>，经确认具备版权代理资质的，可由工作人员修改用户类别为代理公司或代理律师。',
              )}
            />
          }
        >
          <Radio.Group
            disabled={categoryFixed}
            onChange={(e) => {
              const types = idTypesOfCategory(e.target.value as UserCategory);
              form.setFieldValue('idType', types[0]);
            }}
            options={(['individual', 'organisation', 'agency_company', 'agency_lawyer'] as const).map((c) => ({
              value: c,
              label: L.category[c],
              // Only staff set 代理公司 / 代理律师.
              disabled: categoryFixed || c === 'agency_company' || c === 'agency_lawyer',
            }))}
          />
        </Form.Item>
        <Row gutter={24}>
          <Col xs={24} md={12}>
            <Form.Item name="name" label={t('姓名或名称')} rules={[{ required: true, message: t('请填写姓名或名称') }]}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="penName" label={t('笔名')} extra={t('若在作品中使用笔名，请填写笔名信息；若无，则不填写')}>
              <Input maxLength={100} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="idType" label={t('证件类型')} rules={[{ required: true, message: t('请选择证件类型') }]}>
              <Select disabled={idFixed} options={idTypes.map((v) => ({ value: v, label: L.idType[v] }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="idNumber"
              label={t('证件号')}
              dependencies={['idType']}
              rules={[{ required: true, message: t('请填写证件号') }, idNumberRule('idType')]}
              extra={
                idFixed
                  ? t('证件类型和证件号取自登录时的实名认证，不可自行修改；如有误，请联系工作人员核对后更正。')
                  : t(
                      '证件类型和证件号需准确填写、仔细核对（不要错填、误填，也注意前后不要空格），以免导致无法正常进行电子签章。',
                    )
              }
            >
              <Input
                maxLength={40}
                readOnly={idFixed}
                variant={idFixed ? 'filled' : undefined}
                data-testid="id-number"
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="handler" label={t('经办人')} rules={[{ required: true, message: t('请填写经办人') }]}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="handlerMobile"
              label={t('联系手机')}
              rules={[{ required: true, message: t('请填写联系手机') }, zodRule(Mobile)]}
            >
              <Input maxLength={11} />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item name="region" label={t('所属地区')}>
              <Select
                allowClear
                showSearch
                optionFilterProp="label"
                options={L.regions}
                placeholder={t('请选择所属地区')}
              />
            </Form.Item>
          </Col>
        </Row>
        <div id="profile-proofs" />
        <Form.Item
          label={t('身份证明')}
          extra={
            <>
              {t('需上传用户及其经办人的身份证明（经办人为当前用户的不用重复上传）。')}
              <br />
              {t(
                '自然人上传个人身份证件正反面（浙江省外的，还需提供近期在浙工作/学习/居住等的有效证明）；法人或非法人组织上传单位营业执照或统一社会信用代码证书。',
              )}
              <br />
              {t(
                '身份证明需按要求上传，上传有误的证件可在文件上点击删除按钮删除后重新上传。若涉及水印信息的，水印信息需与当前办理事项（作品自愿登记/版权登记）相符。',
              )}
            </>
          }
        >
          <Uploads
            action={link('/api/identity/proofs')}
            value={profile?.proofs}
            label={t('+上传')}
            testId="upload-proof"
            onChange={() => void reload()}
            onRemove={async (ref) => {
              await client.DELETE('/api/identity/proofs/{proofId}', { params: { path: { proofId: ref.uploadId } } });
            }}
          />
        </Form.Item>
        <div id="profile-residence" />
        {me?.residenceProofRequired || profile?.residenceProofs?.length ? (
          <Form.Item
            label={t('在浙工作/学习/居住证明')}
            extra={t(
              '证件登记地在浙江省外的，需上传近期在浙工作、学习或居住的有效证明（如劳动合同、学生证、居住证），PDF、JPEG 或 PNG。',
            )}
          >
            <Uploads
              action={link('/api/identity/proofs', {}, { purpose: 'residence' })}
              value={profile?.residenceProofs}
              label={t('+上传')}
              testId="upload-residence-proof"
              onChange={() => void reload()}
              onRemove={async (ref) => {
                await client.DELETE('/api/identity/proofs/{proofId}', { params: { path: { proofId: ref.uploadId } } });
              }}
            />
          </Form.Item>
        ) : null}
        <Row gutter={24}>
          <Col xs={24} md={8}>
            <Form.Item
              name="invoiceEmail"
              label={t('电子发票接收邮箱')}
              rules={[
                { required: true, message: t('请填写电子发票接收邮箱') },
                zodRule(z.email(t('请填写有效的电子发票接收邮箱'))),
              ]}
            >
              <Input />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item name="recipient" label={t('收件人')} rules={[{ required: true, message: t('请填写收件人') }]}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col xs={24} md={8}>
            <Form.Item
              name="recipientMobile"
              label={t('收件手机')}
              rules={[{ required: true, message: t('请填写收件手机') }, zodRule(Mobile)]}
            >
              <Input maxLength={11} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item
          name="mailingAddress"
          label={t('纸质证书收件地址')}
          rules={[
            { required: true, message: t('请填写纸质证书收件地址') },
            { min: 5, message: t('请填写完整的收件地址') },
          ]}
          extra={
            <Rich
              text={t(
                '纸质证书发放为附加服务，作品填报页面内可选择具体的纸质证书发放方式。选择<b>邮寄</b>的，事项办结后将陆续制证和邮寄（<b>顺丰到付</b>），不再另行确认；选择<b>自领</b>的，请按要求在<b>收到电子发票后</b>于工作时间内前来领取纸质证书。',
              )}
            />
          }
        >
          <Input maxLength={200} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={saving} data-testid="save-profile">
          {t('保存')}
        </Button>
        {profile ? (
          <Typography.Text type="secondary" style={{ marginLeft: 16 }}>
            {t('上次保存：{time}', { time: new Date(profile.updatedAt).toLocaleString(localeOf(lang)) })}
          </Typography.Text>
        ) : null}
      </Form>
    </>
  );
}
