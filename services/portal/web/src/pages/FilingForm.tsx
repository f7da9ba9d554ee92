import { PlusOutlined, QuestionCircleOutlined } from '@ant-design/icons';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Drawer,
  Form,
  Input,
  Modal,
  Radio,
  Row,
  Select,
  Space,
  Table,
  type TableColumnsType,
  Typography,
} from 'antd';
import dayjs from 'dayjs';
import { useEffect, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { client, link, ok } from '../api';
import { HolderDialog } from '../components/HolderDialog';
import { MissingItems } from '../components/MissingItems';
import { SigningDialog } from '../components/SigningDialog';
import { type Filing, loadFiling } from '../filings';
import { contentRules, failureText, helpTip, idNumberRule, Uploads, useFailure } from '../forms';
import { Rich, useLang, useT } from '../i18n';
import { useLabels } from '../labels';
import { PageTitle } from '../layout/AppLayout';
import { type FilingContent, filingProblems, type Holder, personalIdTypes, Right, WorkType } from '../proto';
import { useSession } from '../session';

type Author = FilingContent['authors'][number];

/** 法人作品: the author is the organisation and an individual writer (执笔者) signs too. */
const needsWriter = (mode?: string) => mode === 'corporate';

const dateProps = {
  getValueProps: (v?: string) => ({ value: v ? dayjs(v) : undefined }),
  normalize: (d?: dayjs.Dayjs | null) => (d ? d.format('YYYY-MM-DD') : undefined),
};

/** 作品填报: every field of the form with its hint (浮窗), the rules as the user types, 暂存 and 提交并电子签章. */
export function FilingForm() {
  const { filingId: existingId } = useParams();
  const [filingId, setFilingId] = useState(existingId);
  const [filing, setFiling] = useState<Filing>();
  const [form] = Form.useForm<FilingContent>();
  const { me } = useSession();
  const { message } = App.useApp();
  const fail = useFailure();
  const navigate = useNavigate();
  const [busy, setBusy] = useState<'save' | 'submit'>();
  const [help, setHelp] = useState(false);
  const [holderDialog, setHolderDialog] = useState<{ index?: number } | undefined>();
  const [authorDialog, setAuthorDialog] = useState<{ index?: number } | undefined>();
  const [signing, setSigning] = useState<string>();
  const t = useT();
  const { lang } = useLang();
  const L = useLabels();

  const published = Form.useWatch('published', form);
  const rightsScope = Form.useWatch('rightsScope', form);
  const workType = Form.useWatch('workType', form);
  const ownershipMode = Form.useWatch('ownershipMode', form);
  const holders: Holder[] = Form.useWatch('holders', form) ?? [];
  const authors: Author[] = Form.useWatch('authors', form) ?? [];

  // The default text is set once, in the language shown when the form opens.
  // biome-ignore lint/correctness/useExhaustiveDependencies: a language switch is not a reason to reset the form
  useEffect(() => {
    if (!existingId) {
      form.setFieldsValue({
        creationNature: 'original',
        published: false,
        ownershipMode: 'individual',
        acquisitionMode: 'original',
        rightsScope: 'all',
        rights: [],
        holders: [],
        authors: [],
        samples: [],
        attachments: [],
        certificateDelivery: 'mail',
        creationProcess: t('本作品由作者独立完成。'),
        ...(me?.profile?.invoiceEmail ? { invoiceEmail: me.profile.invoiceEmail } : {}),
      });
      return;
    }
    loadFiling(existingId)
      .then((f) => {
        setFiling(f);
        form.setFieldsValue(f.content as FilingContent);
      })
      .catch(fail);
  }, [existingId, form, me?.profile?.invoiceEmail, fail]);

  /** 暂存: saves whatever is filled in; the draft shows in 待提交作品（含初审退回作品）. */
  const saveDraft = async (): Promise<string> => {
    const content = form.getFieldsValue(true) as Partial<FilingContent>;
    if (filingId) {
      await client.PUT('/api/filing/filings/{filingId}', { params: { path: { filingId } }, body: { content } });
      return filingId;
    }
    const created = await ok(client.POST('/api/filing/filings', { body: { content } }));
    setFiling(created);
    setFilingId(created.filingId);
    window.history.replaceState(null, '', `/filings/${created.filingId}/edit`);
    return created.filingId;
  };

  const onSave = async () => {
    setBusy('save');
    try {
      await saveDraft();
      message.success(t('已暂存，可在“待提交作品（含初审退回作品）”中继续填报'));
    } catch (err) {
      fail(err, form);
    } finally {
      setBusy(undefined);
    }
  };

  /** 提交并电子签章: the complete form is checked, frozen and the signing list opens. */
  const onSubmit = async () => {
    try {
      await form.validateFields();
    } catch {
      message.error(t('请按提示完善填报内容'));
      return;
    }
    const content = form.getFieldsValue(true) as FilingContent;
    // The lists of holders and authors are outside the form's fields: the contract's check, its words.
    const problem = filingProblems(content, { complete: true }).find((p) => /^(holders|authors)\b/.test(p.field));
    if (problem) {
      message.error(failureText(problem.message, 'VALIDATION_FAILED', lang));
      return;
    }
    setBusy('submit');
    try {
      // The content goes with the submission: saved and frozen at once, so a signing round never
      // runs on content other than what the applicant sees (修改 voids the round's signatures).
      const id = filingId ?? (await saveDraft());
      await client.POST('/api/filing/filings/{filingId}/submission', {
        params: { path: { filingId: id } },
        body: { content },
      });
      message.success(t('已提交，请按签章列表的顺序进行电子签章'));
      setSigning(id);
    } catch (err) {
      fail(err, form);
    } finally {
      setBusy(undefined);
    }
  };

  const returned = filing?.status === 'returned';
  /** A signing round is open: only 修改 (提交并电子签章 with the new content) changes it. */
  const roundOpen = filing?.status === 'awaiting_signatures' || filing?.status === 'awaiting_submission';

  return (
    <>
      <PageTitle
        extra={
          <Button icon={<QuestionCircleOutlined />} onClick={() => setHelp(true)}>
            {t('填报说明')}
          </Button>
        }
      >
        {t('作品填报')}
      </PageTitle>
      {returned ? (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('本作品已被退回修改')}
          description={
            <>
              <div data-testid="return-reasons">
                {t('退回原因：{reason}', { reason: filing?.remark ?? t('（见审核意见）') })}
              </div>
              <div>{t('退回修改的作品，需按要求修改后重新签章提交，无需重复缴费，办理时限以重新提交时间计算。')}</div>
            </>
          }
        />
      ) : null}
      {me && !me.profileComplete ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('请先在“资料完善”中完善资料，再提交作品')}
          description={<MissingItems missing={me.missing} link />}
        />
      ) : null}
      <Form form={form} layout="vertical" requiredMark data-testid="filing-form" scrollToFirstError>
        <Card title={t('作品基本信息')} size="small" style={{ marginBottom: 16 }}>
          <Typography.Paragraph type="secondary" className="hint">
            {t(
              '相应栏目均有浮窗显示填写或上传说明，请注意查看。如有不明可添加工作QQ进行具体咨询（操作咨询：2648937849）。',
            )}
          </Typography.Paragraph>
          <Row gutter={24}>
            <Col xs={24} md={12}>
              <Form.Item
                name="title"
                label={t('作品名称')}
                tooltip={helpTip(t('填写作品的完整名称，与样本一致；系列作品请分别登记。'))}
                rules={contentRules('title')}
              >
                <Input maxLength={200} showCount />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="workType"
                label={t('作品类别')}
                tooltip={helpTip(t('按《著作权法》规定的作品类别选择；计算机软件请到中国版权保护中心登记。'))}
                rules={contentRules('workType')}
              >
                <Select options={WorkType.options.map((v) => ({ value: v, label: L.workType[v] }))} />
              </Form.Item>
            </Col>
          </Row>
          <Form.Item
            name="creationNature"
            label={t('作品创作性质')}
            tooltip={helpTip(t('改编、翻译、汇编、注释、整理的作品需在附件中提供原作品的授权证明。'))}
            rules={contentRules('creationNature')}
          >
            <Radio.Group options={Object.entries(L.creationNature).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Row gutter={24}>
            <Col xs={24} md={8}>
              <Form.Item
                name="completedOn"
                label={t('创作/制作完成日期')}
                tooltip={helpTip(t('作品创作完成的日期，不晚于今天。'))}
                rules={contentRules('completedOn')}
                {...dateProps}
              >
                <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs())} />
              </Form.Item>
            </Col>
            <Col xs={24} md={8}>
              <Form.Item name="published" label={t('发表状态')} rules={contentRules('published')}>
                <Radio.Group
                  options={[
                    { value: true, label: t('已发表') },
                    { value: false, label: t('未发表') },
                  ]}
                />
              </Form.Item>
            </Col>
            {published ? (
              <Col xs={24} md={8}>
                <Form.Item
                  name="firstPublishedOn"
                  label={t('首次发表日期')}
                  tooltip={helpTip(t('首次发表日期不能早于创作完成日期。'))}
                  dependencies={['completedOn']}
                  rules={contentRules('firstPublishedOn')}
                  {...dateProps}
                >
                  <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs())} />
                </Form.Item>
              </Col>
            ) : null}
          </Row>
          {published ? (
            <Form.Item
              name="firstPublishedPlace"
              label={t('首次发表地点')}
              tooltip={helpTip(t('如：中国杭州，或发表的网站、刊物名称。'))}
            >
              <Input maxLength={200} />
            </Form.Item>
          ) : null}
          <Form.Item
            name="ownershipMode"
            label={t('权利归属方式')}
            tooltip={helpTip(
              t(
                '请根据作品的实际情况选择并提供相应证明（见“填报说明”）。职务作品：作者为参与创作的职员个人；法人作品：作者为单位，执笔者为个人。',
              ),
            )}
            extra={t(
              '若已添加著作权人、作者或执笔者信息后需要修改权利归属方式，请先删除有误或多余的单位或个人信息，然后再重新选择权利归属方式，并按要求重新添加。',
            )}
            rules={contentRules('ownershipMode')}
          >
            <Radio.Group options={Object.entries(L.ownershipMode).map(([value, label]) => ({ value, label }))} />
          </Form.Item>
          <Row gutter={24}>
            <Col xs={24} md={12}>
              <Form.Item
                name="acquisitionMode"
                label={t('权利取得方式')}
                tooltip={helpTip(t('继承、承受的需在附件中提供相应证明。'))}
                rules={contentRules('acquisitionMode')}
              >
                <Radio.Group options={Object.entries(L.acquisitionMode).map(([value, label]) => ({ value, label }))} />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item name="rightsScope" label={t('权利拥有状况')} rules={contentRules('rightsScope')}>
                <Radio.Group
                  options={[
                    { value: 'all', label: t('全部') },
                    { value: 'partial', label: t('部分') },
                  ]}
                />
              </Form.Item>
            </Col>
          </Row>
          {rightsScope === 'partial' ? (
            <Form.Item
              name="rights"
              label={t('拥有的权利')}
              dependencies={['rightsScope']}
              rules={contentRules('rights')}
            >
              <Checkbox.Group options={Right.options.map((r) => ({ value: r, label: L.right[r] }))} />
            </Form.Item>
          ) : null}
        </Card>

        <Card title={t('作品样本及附件')} size="small" style={{ marginBottom: 16 }}>
          <Row gutter={24}>
            <Col xs={24} md={12}>
              <Form.Item
                name="samples"
                label={t('样本')}
                tooltip={helpTip(
                  t(
                    '上传能完整体现作品内容的样本：图片 JPG/PNG，文字 PDF，音视频请上传 MP3/MP4；单个文件不超过规定大小。',
                  ),
                )}
                rules={contentRules('samples')}
                valuePropName="value"
              >
                <Uploads
                  action={link('/api/filing/uploads/{kind}', { kind: 'sample' })}
                  accept=".pdf,.jpg,.jpeg,.png,.mp3,.mp4"
                  label={t('上传样本')}
                  testId="upload-sample"
                />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="attachments"
                label={t('附件')}
                tooltip={helpTip(
                  t('权利证明材料：如委托创作合同、职务作品约定、授权书、继承证明、未成年人户口簿页等。'),
                )}
                valuePropName="value"
              >
                <Uploads
                  action={link('/api/filing/uploads/{kind}', { kind: 'attachment' })}
                  label={t('上传附件')}
                  testId="upload-attachment"
                />
              </Form.Item>
            </Col>
          </Row>
        </Card>

        <Card title={t('说明')} size="small" style={{ marginBottom: 16 }}>
          <Form.Item
            name="description"
            label={t('作品简介及创意')}
            tooltip={helpTip(
              t(
                '文字作品需说明文章字数、内容概要；音乐作品需说明曲调节拍、歌曲含义；美术作品需说明主要元素、构成方式；摄影作品需说明摄影内容、摄影参数。',
              ),
            )}
            extra={workType ? L.guidance[workType] : t('请先选择作品类别，按类别说明作品。')}
            rules={contentRules('description')}
          >
            <Input.TextArea rows={4} maxLength={5000} showCount />
          </Form.Item>
          <Form.Item
            name="creationProcess"
            label={t('创作经过及意图')}
            tooltip={helpTip(t('如：本作品由作者独立完成。'))}
            rules={contentRules('creationProcess')}
          >
            <Input.TextArea rows={3} maxLength={5000} showCount />
          </Form.Item>
        </Card>

        <Card
          title={t('著作权人信息')}
          size="small"
          style={{ marginBottom: 16 }}
          extra={
            <Button icon={<PlusOutlined />} onClick={() => setHolderDialog({})} data-testid="add-holder">
              {t('添加著作权人')}
            </Button>
          }
        >
          <Form.Item name="holders" hidden>
            <Input />
          </Form.Item>
          <PartyTable<Holder>
            rows={holders}
            onEdit={(index) => setHolderDialog({ index })}
            onChange={(rows) => form.setFieldValue('holders', rows)}
            columns={[
              { title: t('类型'), render: (_v, h) => (h.holderType === 'individual' ? t('个人') : t('单位')) },
              { title: t('姓名/名称'), dataIndex: 'name' },
              { title: t('证件号'), render: (_v, h) => `${L.idType[h.idType]} ${h.idNumber}` },
              { title: t('经办人'), dataIndex: 'handler' },
              { title: t('所在区域'), render: (_v, h) => L.region(h.region) },
            ]}
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 8 }} className="hint">
            {t(
              '证件类型和证件号需准确填写，以免导致无法正常进行电子签章。因证件号填写有误导致无法正常进行电子签章的，需修改证件号后重新提交进行电子签章。著作权人按列表顺序依次签章。无政务网账号的未成年人，证件号一栏填写其家长的身份证号，由家长登录签署。',
            )}
          </Typography.Paragraph>
        </Card>

        <Card
          title={t('作者信息')}
          size="small"
          style={{ marginBottom: 16 }}
          extra={
            <Button icon={<PlusOutlined />} onClick={() => setAuthorDialog({})} data-testid="add-author">
              {t('添加作者')}
            </Button>
          }
        >
          <Form.Item name="authors" hidden>
            <Input />
          </Form.Item>
          <PartyTable<Author>
            rows={authors}
            onEdit={(index) => setAuthorDialog({ index })}
            onChange={(rows) => form.setFieldValue('authors', rows)}
            columns={[
              { title: t('姓名/名称'), dataIndex: 'name' },
              { title: t('署名'), dataIndex: 'signature' },
            ]}
          />
          {needsWriter(ownershipMode) ? <WriterFields /> : null}
        </Card>

        <Card title={t('发票邮箱与邮寄信息')} size="small" style={{ marginBottom: 16 }}>
          <Row gutter={24}>
            <Col xs={24} md={12}>
              <Form.Item name="invoiceEmail" label={t('电子发票接收邮箱')} rules={contentRules('invoiceEmail')}>
                <Input />
              </Form.Item>
            </Col>
            <Col xs={24} md={12}>
              <Form.Item
                name="certificateDelivery"
                label={t('纸质证书发放方式')}
                rules={contentRules('certificateDelivery')}
              >
                <Radio.Group
                  options={[
                    { value: 'mail', label: t('邮寄') },
                    { value: 'pickup', label: t('自领') },
                  ]}
                />
              </Form.Item>
            </Col>
          </Row>
          <Typography.Paragraph type="secondary" className="hint">
            <Rich
              text={t(
                '选择<b>邮寄</b>的，事项办结后将陆续制证和邮寄（<b>顺丰到付</b>），不再另行确认；选择<b>自领</b>的，请按要求在<b>收到电子发票后</b>于工作时间内前来领取纸质证书。',
              )}
            />
          </Typography.Paragraph>
        </Card>

        <Alert
          type={roundOpen ? 'warning' : 'info'}
          style={{ marginBottom: 16 }}
          message={
            roundOpen
              ? t(
                  '该作品正在签章。修改内容后请点击“提交并电子签章”：已有的签章将全部作废，所有签章人须按顺序重新签章。',
                )
              : t(
                  '未填写完成的作品，可点击“暂存”进行保存以便后续继续填报，该作品会显示在“待提交作品（含初审退回作品）”内。已按要求根据实际情况填写完成的作品，点击“提交并电子签章”进行电子签章，该作品会显示在“待签章作品”内。',
                )
          }
        />
        <Space>
          {!roundOpen && (
            <Button onClick={onSave} loading={busy === 'save'} data-testid="save-draft">
              {t('暂存')}
            </Button>
          )}
          <Button type="primary" onClick={onSubmit} loading={busy === 'submit'} data-testid="submit-and-sign">
            {t('提交并电子签章')}
          </Button>
          <Button onClick={() => navigate(-1)}>{t('返回')}</Button>
          <Button type="link" onClick={() => setHelp(true)}>
            {t('填报说明')}
          </Button>
        </Space>
      </Form>

      <HolderDialog
        open={!!holderDialog}
        initial={holderDialog?.index !== undefined ? holders[holderDialog.index] : undefined}
        onCancel={() => setHolderDialog(undefined)}
        onOk={(h) => {
          form.setFieldValue('holders', withRow(holders, h, holderDialog?.index));
          setHolderDialog(undefined);
        }}
      />
      <AuthorDialog
        open={!!authorDialog}
        initial={authorDialog?.index !== undefined ? authors[authorDialog.index] : undefined}
        onCancel={() => setAuthorDialog(undefined)}
        onOk={(a) => {
          form.setFieldValue('authors', withRow(authors, a, authorDialog?.index));
          setAuthorDialog(undefined);
        }}
      />
      <Drawer title={t('填报说明')} open={help} onClose={() => setHelp(false)} size="large">
        <FilingHelp />
      </Drawer>
      {signing ? (
        <SigningDialog
          filingId={signing}
          onClose={() => {
            setSigning(undefined);
            navigate('/works/to_sign');
          }}
        />
      ) : null}
    </>
  );
}

/** ROWS with ROW put at INDEX, or added at the end. */
function withRow<T>(rows: T[], row: T, index?: number): T[] {
  const next = [...rows];
  if (index !== undefined) next[index] = row;
  else next.push(row);
  return next;
}

/** The holders' or the authors' table: numbered, in signing order, each row with 修改 / 删除. */
function PartyTable<T extends object>(props: {
  rows: T[];
  columns: TableColumnsType<T>;
  onEdit: (index: number) => void;
  onChange: (rows: T[]) => void;
}) {
  const { rows, onEdit, onChange } = props;
  const t = useT();
  return (
    <Table<T>
      size="small"
      rowKey={(_r, i) => String(i)}
      pagination={false}
      dataSource={rows}
      locale={{ emptyText: <span style={{ color: 'rgba(0, 0, 0, 0.62)' }}>{t('暂无数据')}</span> }}
      columns={[
        { title: t('序号'), render: (_v, _r, i) => i + 1, width: 60 },
        ...props.columns,
        {
          title: t('操作'),
          render: (_v, _r, i) => (
            <Space>
              <Button type="link" size="small" onClick={() => onEdit(i)}>
                {t('修改')}
              </Button>
              <Button type="link" size="small" onClick={() => onChange(rows.filter((_x, j) => j !== i))}>
                {t('删除')}
              </Button>
            </Space>
          ),
        },
      ]}
    />
  );
}

/** 执笔者: required for 法人作品, signs after the holders. */
function WriterFields() {
  const t = useT();
  const L = useLabels();
  return (
    <Card type="inner" size="small" title={t('执笔者')} style={{ marginTop: 12 }}>
      <Row gutter={16}>
        <Col xs={24} md={8}>
          <Form.Item
            name={['writer', 'name']}
            label={t('执笔者姓名')}
            rules={[{ required: true, message: t('法人作品请填写执笔者') }]}
          >
            <Input maxLength={100} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item
            name={['writer', 'idType']}
            label={t('证件类型')}
            rules={[{ required: true, message: t('请选择证件类型') }]}
          >
            <Select options={personalIdTypes.map((v) => ({ value: v, label: L.idType[v] }))} />
          </Form.Item>
        </Col>
        <Col xs={24} md={8}>
          <Form.Item
            name={['writer', 'idNumber']}
            label={t('证件号')}
            dependencies={[['writer', 'idType']]}
            rules={[{ required: true, message: t('请填写证件号') }, idNumberRule(['writer', 'idType'])]}
          >
            <Input maxLength={40} />
          </Form.Item>
        </Col>
      </Row>
    </Card>
  );
}

function AuthorDialog(props: { open: boolean; initial?: Author; onOk: (a: Author) => void; onCancel: () => void }) {
  const [form] = Form.useForm<Author>();
  const t = useT();
  useEffect(() => {
    if (!props.open) return;
    form.resetFields();
    if (props.initial) form.setFieldsValue(props.initial);
  }, [props.open, props.initial, form]);
  return (
    <Modal
      title={props.initial ? t('修改作者') : t('添加作者')}
      open={props.open}
      onCancel={props.onCancel}
      destroyOnHidden
      onOk={async () => props.onOk(await form.validateFields())}
      okText={t('确定')}
    >
      <Form form={form} layout="vertical" data-testid="author-form">
        <Form.Item
          name="name"
          label={t('作者姓名/名称')}
          rules={[{ required: true, message: t('请填写作者') }, { max: 100 }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="signature" label={t('署名')} tooltip={helpTip(t('作品上的署名，如笔名；与姓名相同可不填。'))}>
          <Input maxLength={100} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function FilingHelp() {
  const t = useT();
  const L = useLabels();
  return (
    <Typography>
      <Typography.Title level={5}>{t('作品基本信息')}</Typography.Title>
      <p>{t('相应栏目均有浮窗显示填写或上传说明：点按栏目名称旁的问号，或用 Tab 键移到问号上，即可查看。')}</p>
      <p>{t('权利归属方式请根据作品的实际情况选择，并在附件中提供相应证明：')}</p>
      <ul>
        <li>{t('{mode}：作者本人享有著作权。', { mode: L.ownershipMode.individual ?? '' })}</li>
        <li>{t('{mode}：两人以上合作创作，合作作者共同享有著作权。', { mode: L.ownershipMode.joint ?? '' })}</li>
        <li>{t('{mode}：作者为参与创作的职员个人。', { mode: L.ownershipMode.employment ?? '' })}</li>
        <li>{t('{mode}：作者为单位，执笔者为个人。', { mode: L.ownershipMode.corporate ?? '' })}</li>
        <li>{t('{mode}：按委托合同约定著作权归属，请上传委托合同。', { mode: L.ownershipMode.commissioned ?? '' })}</li>
      </ul>
      <p>
        {t(
          '若已添加著作权人、作者或执笔者信息后需要修改权利归属方式，请注意需先删除有误或多余的单位或个人信息，然后再重新选择权利归属方式，并按要求重新添加单位或个人信息。',
        )}
      </p>
      <Typography.Title level={5}>{t('说明')}</Typography.Title>
      <ul>
        <li>{t('文字作品需说明文章字数、内容概要。')}</li>
        <li>{t('音乐作品需说明曲调节拍、歌曲含义。')}</li>
        <li>{t('美术作品需说明主要元素、构成方式。')}</li>
        <li>{t('摄影作品需说明摄影内容、摄影参数。')}</li>
      </ul>
      <Typography.Title level={5}>{t('著作权人信息')}</Typography.Title>
      <p>{t('证件类型和证件号需准确填写，以免导致无法正常进行电子签章。')}</p>
      <Typography.Title level={5}>{t('暂存与提交')}</Typography.Title>
      <p>
        {t('未填写完成的作品，可点击“暂存”进行保存以便后续继续填报。该作品会显示在“待提交作品（含初审退回作品）”内。')}
      </p>
      <p>{t('已按要求根据实际情况填写完成的作品，点击“提交并电子签章”进行电子签章。该作品会显示在“待签章作品”内。')}</p>
    </Typography>
  );
}
