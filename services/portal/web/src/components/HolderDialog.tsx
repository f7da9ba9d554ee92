import { Checkbox, Col, Form, Input, Modal, Radio, Row, Select } from 'antd';
import { useEffect } from 'react';
import { helpTip, idNumberRule } from '../forms';
import { useT } from '../i18n';
import { useLabels } from '../labels';
import { type Holder, IdType, organisationIdTypes, personalIdTypes } from '../proto';

/** 添加/修改著作权人: one holder of a filing or of a service request, with its ID checked as the contract does. */
export function HolderDialog(props: {
  open: boolean;
  initial?: Holder;
  onOk: (h: Holder) => void;
  onCancel: () => void;
}) {
  const [form] = Form.useForm<Holder & { minor?: boolean }>();
  const t = useT();
  const L = useLabels();
  const holderType = Form.useWatch('holderType', form);
  const minor = Form.useWatch('minor', form);
  useEffect(() => {
    if (!props.open) return;
    form.resetFields();
    form.setFieldsValue(
      props.initial
        ? { ...props.initial, minor: !!props.initial.guardian }
        : { holderType: 'individual', idType: 'resident_id', region: '330100' },
    );
  }, [props.open, props.initial, form]);
  const types = holderType === 'organisation' ? organisationIdTypes : personalIdTypes;
  return (
    <Modal
      title={props.initial ? t('修改著作权人') : t('添加著作权人')}
      open={props.open}
      onCancel={props.onCancel}
      destroyOnHidden
      onOk={async () => {
        const v = await form.validateFields();
        const { minor: isMinor, ...h } = v;
        props.onOk({
          ...h,
          ...(isMinor && h.guardian ? { guardian: h.guardian } : { guardian: undefined }),
        } as Holder);
      }}
      okText={t('确定')}
      width={640}
    >
      <Form form={form} layout="vertical" data-testid="holder-form">
        <Form.Item name="holderType" label={t('类型')} rules={[{ required: true }]}>
          <Radio.Group
            onChange={(e) => form.setFieldValue('idType', e.target.value === 'organisation' ? 'uscc' : 'resident_id')}
            options={[
              { value: 'individual', label: t('个人') },
              { value: 'organisation', label: t('法人或非法人组织') },
            ]}
          />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('姓名/名称')}
          rules={[{ required: true, message: t('请填写姓名或名称') }, { max: 100 }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Row gutter={16}>
          <Col xs={24} md={10}>
            <Form.Item name="idType" label={t('证件类型')} rules={[{ required: true }]}>
              <Select options={types.map((v) => ({ value: v, label: L.idType[IdType.parse(v)] }))} />
            </Form.Item>
          </Col>
          <Col xs={24} md={14}>
            <Form.Item
              name="idNumber"
              label={minor ? t('证件号（家长的身份证号）') : t('证件号')}
              dependencies={['idType']}
              rules={[{ required: true, message: t('请填写证件号') }, idNumberRule('idType')]}
              extra={t('证件号需准确填写，签章时按证件号核对签署者身份。')}
            >
              <Input maxLength={40} />
            </Form.Item>
          </Col>
        </Row>
        <Row gutter={16}>
          <Col xs={24} md={10}>
            <Form.Item name="handler" label={t('经办人')} tooltip={helpTip(t('单位著作权人的经办人；个人可不填。'))}>
              <Input maxLength={50} />
            </Form.Item>
          </Col>
          <Col xs={24} md={14}>
            <Form.Item name="region" label={t('所在区域')} rules={[{ required: true, message: t('请选择所在区域') }]}>
              <Select showSearch optionFilterProp="label" options={L.regions} />
            </Form.Item>
          </Col>
        </Row>
        {holderType === 'individual' ? (
          <Form.Item name="minor" valuePropName="checked">
            <Checkbox>{t('无政务网账号的未成年人（由家长签署）')}</Checkbox>
          </Form.Item>
        ) : null}
        {minor ? (
          <Form.Item
            name={['guardian', 'relation']}
            label={t('与未成年人的关系')}
            rules={[{ required: true, message: t('请选择关系') }]}
            extra={t('身份证明处上传该未成年人及其家长的相应户口簿页和家长的身份证正反面。')}
          >
            <Radio.Group
              options={[
                { value: 'father', label: t('父亲') },
                { value: 'mother', label: t('母亲') },
                { value: 'guardian', label: t('其他监护人') },
              ]}
            />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}
