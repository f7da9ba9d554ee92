import {
  type ChangedFacts,
  ChangeMode,
  changeModeLabel,
  changeModeLabelEn,
  type PartyRole,
  partyRoleLabel,
  partyRoleLabelEn,
  ReissueReason,
  reissueReasonLabel,
  reissueReasonLabelEn,
  type ServiceDecision,
  type ServiceRequestCreateInput,
  ServiceRequestKind,
  type ServiceRequestListItem,
  ServiceRequestListName,
  type ServiceRequestStatus,
  type ServiceRequestView,
  type ServiceReviewStage,
  serviceClosedReasonLabel,
  serviceClosedReasonLabelEn,
  serviceDecisionLabel,
  serviceDecisionLabelEn,
  serviceRequestKindLabel,
  serviceRequestKindLabelEn,
  serviceRequestListLabel,
  serviceRequestListLabelEn,
  serviceRequestStatusLabel,
  serviceRequestStatusLabelEn,
} from '@copyreg/proto/src/service-requests';
import {
  Alert,
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Descriptions,
  Form,
  type FormInstance,
  Input,
  Radio,
  Result,
  Select,
  Space,
  Spin,
  Steps,
  Table,
  Tag,
  Typography,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { client, link, ok } from '../api';
import { HolderDialog } from '../components/HolderDialog';
import { ListFilter, lines, useCommand } from '../components/ServiceParts';
import { StoredFile } from '../files';
import { Uploads, useFailure } from '../forms';
import { type Lang, useLang, useT } from '../i18n';
import { useLabels } from '../labels';
import { PageTitle } from '../layout/AppLayout';
import { usePaged } from '../paging';
import { type FilingListItem, type Holder, Right, type UploadRef } from '../proto';

/**
 * 其他登记服务 (issue 17): 变更或补充登记, 补证/换证 and 著作权转让/专有许可合同备案, each a request
 * about one of the applicant's certified registrations, in the lists 待提交, 待签章, 审核中, 已办结;
 * and the staff's review queues. Built against proto/src/service-requests.ts; the routes of the
 * filing service are typed from its OpenAPI document (../api).
 */
const actOn = (requestId: string, action: 'submit' | 'confirm' | 'withdraw') =>
  ok(
    client.POST(`/api/filing/service-requests/{requestId}/${action}`, {
      params: { path: { requestId } },
    }),
  );

/** The contract's labels in the language shown. */
const labels = (lang: Lang) => {
  const en = lang === 'en';
  return {
    kind: en ? serviceRequestKindLabelEn : serviceRequestKindLabel,
    status: en ? serviceRequestStatusLabelEn : serviceRequestStatusLabel,
    list: en ? serviceRequestListLabelEn : serviceRequestListLabel,
    mode: en ? changeModeLabelEn : changeModeLabel,
    reason: en ? reissueReasonLabelEn : reissueReasonLabel,
    party: en ? partyRoleLabelEn : partyRoleLabel,
    decision: en ? serviceDecisionLabelEn : serviceDecisionLabel,
    closed: en ? serviceClosedReasonLabelEn : serviceClosedReasonLabel,
  };
};
const useServiceLabels = () => labels(useLang().lang);

const statusColor: Record<ServiceRequestStatus, string> = {
  draft: 'default',
  awaiting_confirmations: 'orange',
  initial_review: 'blue',
  final_review: 'geekblue',
  returned: 'orange',
  completed: 'green',
  refused: 'magenta',
  withdrawn: 'default',
  expired: 'default',
};
const day = (iso?: string) => (iso ? dayjs(iso).format('YYYY-MM-DD') : '');

function StatusTag({ status }: { status: ServiceRequestStatus }) {
  const S = useServiceLabels();
  return (
    <Tag color={statusColor[status]} data-testid="request-status">
      {S.status[status]}
    </Tag>
  );
}

/**
 * One of the applicant's lists (待提交, 待签章, 审核中, 已办结), or 待我确认 (the requests waiting on
 * the caller's confirmation as a co-holder or assignee), with each row's actions.
 */
export function ServiceRequestList() {
  const params = useParams();
  const awaitingMe = params.list === 'awaiting_me';
  const list = ServiceRequestListName.safeParse(params.list).data ?? 'to_submit';
  const t = useT();
  const S = useServiceLabels();
  const { run } = useCommand();
  const { message } = App.useApp();
  const paged = usePaged(
    awaitingMe ? '/api/filing/service-requests/awaiting-me' : '/api/filing/service-requests',
    awaitingMe ? {} : { list },
  );
  const act = (r: ServiceRequestListItem, action: 'submit' | 'confirm' | 'withdraw', done: string) =>
    run(async () => {
      await actOn(r.requestId, action);
      message.success(t(done));
      await paged.reload();
    });
  return (
    <>
      <PageTitle
        extra={
          <Link to="/services">
            <Button type="primary">{t('申请办理')}</Button>
          </Link>
        }
      >
        {t('其他登记服务：{list}', { list: awaitingMe ? t('待我确认') : S.list[list] })}
      </PageTitle>
      <Table<ServiceRequestListItem>
        rowKey="requestId"
        size="middle"
        loading={paged.loading}
        dataSource={paged.items}
        pagination={paged.pagination}
        data-testid="request-table"
        columns={[
          { title: t('业务类型'), render: (_v, r) => S.kind[r.kind] },
          {
            title: t('作品名称'),
            render: (_v, r) => <Link to={`/service-requests/${r.requestId}`}>{r.title}</Link>,
          },
          { title: t('登记号'), dataIndex: 'registrationNumber', responsive: ['md'] },
          { title: t('申请日期'), render: (_v, r) => day(r.appliedAt), responsive: ['md'] },
          { title: t('状态'), render: (_v, r) => <StatusTag status={r.status} /> },
          {
            title: t('操作'),
            render: (_v, r) => {
              const a = new Set(r.actions);
              return (
                <Space size={0} wrap>
                  {a.has('submit') ? (
                    <Button size="small" type="link" onClick={() => act(r, 'submit', '已提交')}>
                      {t('提交')}
                    </Button>
                  ) : null}
                  {a.has('confirm') ? (
                    <Button
                      size="small"
                      type="link"
                      onClick={() => act(r, 'confirm', '已签章确认')}
                      data-testid="request-confirm"
                    >
                      {t('签章确认')}
                    </Button>
                  ) : null}
                  {a.has('withdraw') ? (
                    <Button size="small" type="link" danger onClick={() => act(r, 'withdraw', '已撤回')}>
                      {t('撤回')}
                    </Button>
                  ) : null}
                  <Link to={`/service-requests/${r.requestId}`}>{t('查看')}</Link>
                </Space>
              );
            },
          },
        ]}
      />
    </>
  );
}

/** The applicant's certified, not revoked registrations to choose from. */
function useRegistrations() {
  const [items, setItems] = useState<FilingListItem[]>([]);
  const fail = useFailure();
  useEffect(() => {
    ok(client.GET('/api/filing/filings', { params: { query: { list: 'certified', pageSize: 100 } } })).then(
      (p) => setItems(p.items.filter((f) => f.registrationNumber && !f.revokedAt)),
      fail,
    );
  }, [fail]);
  return items;
}

/**
 * The holders a change of holders registers: the registration's holders now, loaded when the box
 * is ticked for the chosen registration, then edited; undefined while holders are not changed.
 */
function useRegisteredHolders(filingId: string | undefined, changing: boolean | undefined, preset?: Holder[]) {
  const [list, set] = useState<Holder[]>();
  const fail = useFailure();
  useEffect(() => {
    set(undefined);
    if (!filingId || !changing) return;
    if (preset) return set(preset); // a returned request's holders, as the applicant left them
    let live = true; // an answer for an earlier choice comes too late to count
    ok(
      client.GET('/api/filing/service-requests/registered-holders/{filingId}', { params: { path: { filingId } } }),
    ).then((r) => live && set(r.holders), fail);
    return () => {
      live = false;
    };
  }, [filingId, changing, preset, fail]);
  return { list, set };
}

interface RequestValues {
  filingId: string;
  statement: string;
  // change
  mode?: ChangeMode;
  title?: string;
  completedOn?: Dayjs;
  firstPublishedOn?: Dayjs;
  firstPublishedPlace?: string;
  authors?: string;
  /** 变更著作权人: the holders as they are to be registered, and the proof of the change. */
  changeHolders?: boolean;
  proofFiles?: UploadRef[];
  // reissue
  reason?: ReissueReason;
  // transfer, licence
  contractFile?: UploadRef[];
  signedOn?: Dayjs;
  rights?: (typeof Right.options)[number][];
  term?: [Dayjs, Dayjs];
}

const iso = (d?: Dayjs) => d?.format('YYYY-MM-DD');

/** The request body the contract asks for (ServiceRequestCreateInput), from the form's values. */
function bodyOf(
  kind: ServiceRequestKind,
  v: RequestValues,
  parties: { counterparty?: Holder | undefined; holders?: Holder[] | undefined },
  submit: boolean,
) {
  const common = { kind, filingId: v.filingId, statement: v.statement, submit };
  if (kind === 'reissue') return { ...common, reason: v.reason };
  if (kind === 'change') {
    const authors = (v.authors ?? '')
      .split(/[、,，\n]/)
      .map((a) => a.trim())
      .filter(Boolean);
    const changes: ChangedFacts = {
      ...(v.title?.trim() ? { title: v.title.trim() } : {}),
      ...(v.completedOn ? { completedOn: iso(v.completedOn) } : {}),
      ...(v.firstPublishedOn ? { published: true, firstPublishedOn: iso(v.firstPublishedOn) } : {}),
      ...(v.firstPublishedPlace?.trim() ? { firstPublishedPlace: v.firstPublishedPlace.trim() } : {}),
      ...(authors.length ? { authors: authors.map((name) => ({ name })) } : {}),
      ...(v.changeHolders && parties.holders ? { holders: parties.holders } : {}),
    };
    const proofUploadIds = (v.proofFiles ?? []).map((f) => f.uploadId);
    return { ...common, mode: v.mode, changes, ...(v.changeHolders ? { proofUploadIds } : {}) };
  }
  return {
    ...common,
    contract: {
      counterparty: parties.counterparty,
      contractUploadId: v.contractFile?.[0]?.uploadId,
      signedOn: iso(v.signedOn),
      rights: v.rights ?? [],
      ...(kind === 'licence' && v.term ? { termFrom: iso(v.term[0]), termTo: iso(v.term[1]) } : {}),
    },
  };
}

/** The returned request's content as the form's values, and the contract's other party as entered. */
function useReturned(
  requestId: string | undefined,
  form: FormInstance<RequestValues>,
  setCounterparty: (h: Holder | undefined) => void,
) {
  const [view, setView] = useState<ServiceRequestView>();
  const fail = useFailure();
  useEffect(() => {
    if (!requestId) return;
    ok(client.GET('/api/filing/service-requests/{requestId}', { params: { path: { requestId } } })).then((v) => {
      const c = v.changes;
      const d = (s?: string) => (s ? dayjs(s) : undefined);
      form.setFieldsValue({
        filingId: v.filingId,
        statement: v.statement,
        ...(v.mode ? { mode: v.mode } : {}),
        ...(v.reason ? { reason: v.reason } : {}),
        title: c?.title,
        authors: c?.authors?.map((a) => a.name).join('、'),
        completedOn: d(c?.completedOn),
        firstPublishedOn: d(c?.firstPublishedOn),
        firstPublishedPlace: c?.firstPublishedPlace,
        changeHolders: !!c?.holders,
        proofFiles: v.proofs ?? [],
        ...(v.contract
          ? {
              contractFile: [v.contract.contractFile],
              signedOn: d(v.contract.signedOn),
              rights: v.contract.rights,
              ...(v.contract.termFrom && v.contract.termTo
                ? { term: [dayjs(v.contract.termFrom), dayjs(v.contract.termTo)] as [Dayjs, Dayjs] }
                : {}),
            }
          : {}),
      });
      setCounterparty(v.contract?.counterparty);
      setView(v); // its holders then replace the registered ones the list may have loaded meanwhile
    }, fail);
  }, [requestId, form, setCounterparty, fail]);
  return view;
}

/** 退回修改: the reviewer's reasons and the reply deadline, past which the request is deemed withdrawn. */
function ReturnedNotice({ view }: { view: ServiceRequestView }) {
  const t = useT();
  const last = view.decisions.findLast((d) => d.decision === 'return');
  return (
    <Alert
      type="warning"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="request-returned"
      message={t('退回修改：请于 {date} 前修改并重新提交，逾期视为撤回', { date: day(view.returnReplyDeadline) })}
      description={last?.reasons.join(t('；'))}
    />
  );
}

/** 申请办理: a new request of one kind about one of the applicant's registrations; kept (暂存) or submitted. */
export function ServiceRequestForm() {
  const params = useParams();
  const kind = ServiceRequestKind.safeParse(params.kind).data ?? 'change';
  const t = useT();
  const L = useLabels();
  const S = useServiceLabels();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const registrations = useRegistrations();
  const [form] = Form.useForm<RequestValues>();
  const [counterparty, setCounterparty] = useState<Holder>();
  // Whom the holder dialog edits: the contract's other party, or one of the new holders (index; new when past the end).
  const [dialog, setDialog] = useState<'counterparty' | number>();
  // 退回修改: the returned request (?resubmit=id), its content in the form to correct.
  const resubmit = useSearchParams()[0].get('resubmit') ?? undefined;
  const returned = useReturned(resubmit, form, setCounterparty);
  const holders = useRegisteredHolders(
    Form.useWatch('filingId', form),
    Form.useWatch('changeHolders', form),
    returned?.changes?.holders,
  );
  const { busy, run } = useCommand();
  const contract = kind === 'transfer' || kind === 'licence';
  const send = async (submit: boolean) => {
    const v = await form.validateFields();
    if (contract && !counterparty) {
      message.error(kind === 'transfer' ? t('请添加受让方') : t('请添加被许可方'));
      return;
    }
    await run(async () => {
      // What the form left empty goes as it is: the service refuses it naming the field.
      const body = bodyOf(kind, v, { counterparty, holders: holders.list }, submit) as ServiceRequestCreateInput;
      const r = await ok(
        resubmit
          ? client.POST('/api/filing/service-requests/{requestId}/resubmit', {
              params: { path: { requestId: resubmit } },
              body,
            })
          : client.POST('/api/filing/service-requests', { body }),
      );
      message.success(submit ? t('已提交') : t('已暂存'));
      navigate(`/service-requests/${r.requestId}`);
    }, form);
  };
  const hint: Record<ServiceRequestKind, string> = {
    change: t(
      '更正或补充已登记作品的信息。登记的全部著作权人须依次签章确认，经初审、终审后发放新版证书，原登记号不变。',
    ),
    reissue: t(
      '证书遗失的申请补证，损坏的申请换证；审核通过后发放同一登记号的新版证书，原证书的二维码将显示已被替换。',
    ),
    transfer: t(
      '著作权转让合同备案：转让方（现著作权人）与受让方依次签章确认并上传合同，审核通过后发放备案证明，登记公告显示新的著作权人。',
    ),
    licence: t('专有许可合同备案：许可方（著作权人）与被许可方依次签章确认并上传合同，审核通过后发放备案证明。'),
  };
  return (
    <>
      <PageTitle>{S.kind[kind]}</PageTitle>
      {returned ? <ReturnedNotice view={returned} /> : null}
      <Alert type="info" showIcon style={{ marginBottom: 16 }} message={hint[kind]} />
      <Form<RequestValues>
        form={form}
        layout="vertical"
        style={{ maxWidth: 720 }}
        initialValues={{ mode: 'change', reason: 'lost', rights: [] }}
        data-testid="request-form"
      >
        <Form.Item name="filingId" label={t('登记作品')} rules={[{ required: true, message: t('请选择登记作品') }]}>
          <Select
            showSearch
            optionFilterProp="label"
            placeholder={t('请选择已发证的作品')}
            options={registrations.map((f) => ({ value: f.filingId, label: `${f.registrationNumber} ${f.title}` }))}
            notFoundContent={t('暂无已发证的作品')}
          />
        </Form.Item>
        {kind === 'change' ? (
          <>
            <Form.Item name="mode" label={t('申请类型')}>
              <Radio.Group options={ChangeMode.options.map((m) => ({ value: m, label: S.mode[m] }))} />
            </Form.Item>
            <Typography.Paragraph type="secondary">
              {t('只填写需要变更或补充的项目，其余保持登记时的内容。')}
            </Typography.Paragraph>
            <Form.Item name="title" label={t('作品名称')}>
              <Input maxLength={200} />
            </Form.Item>
            <Form.Item name="authors" label={t('作者')} extra={t('多位作者以顿号分隔')}>
              <Input maxLength={500} />
            </Form.Item>
            <Space wrap size="large">
              <Form.Item name="completedOn" label={t('创作完成日期')}>
                <DatePicker disabledDate={(d) => d.isAfter(dayjs())} />
              </Form.Item>
              <Form.Item name="firstPublishedOn" label={t('首次发表日期')}>
                <DatePicker disabledDate={(d) => d.isAfter(dayjs())} />
              </Form.Item>
            </Space>
            <Form.Item name="firstPublishedPlace" label={t('首次发表地点')}>
              <Input maxLength={200} />
            </Form.Item>
            <Form.Item name="changeHolders" valuePropName="checked">
              <Checkbox data-testid="change-holders">{t('变更著作权人')}</Checkbox>
            </Form.Item>
            {holders.list ? (
              <>
                <Typography.Paragraph type="secondary">
                  {t(
                    '现登记的著作权人与新增的著作权人须依次签章确认，并上传权属变更证明（如继承、转让协议、单位合并或分立的证明）。',
                  )}
                </Typography.Paragraph>
                <Table<Holder>
                  rowKey={(h) => `${h.idType}:${h.idNumber}`}
                  size="small"
                  pagination={false}
                  dataSource={holders.list}
                  data-testid="new-holders"
                  style={{ marginBottom: 8 }}
                  columns={[
                    { title: t('序号'), render: (_v, _h, i) => i + 1 },
                    { title: t('姓名/名称'), dataIndex: 'name' },
                    { title: t('证件号'), dataIndex: 'idNumber', responsive: ['md'] },
                    {
                      title: t('操作'),
                      render: (_v, h, i) => (
                        <Space size={0}>
                          <Button size="small" type="link" onClick={() => setDialog(i)}>
                            {t('修改')}
                          </Button>
                          <Button
                            size="small"
                            type="link"
                            danger
                            disabled={holders.list?.length === 1}
                            onClick={() => holders.set(holders.list?.filter((x) => x !== h))}
                          >
                            {t('删除')}
                          </Button>
                        </Space>
                      ),
                    },
                  ]}
                />
                <Button onClick={() => setDialog(holders.list?.length ?? 0)} data-testid="holder-add">
                  {t('添加著作权人')}
                </Button>
                <Form.Item
                  name="proofFiles"
                  label={t('权属变更证明')}
                  style={{ marginTop: 16 }}
                  rules={[{ required: true, type: 'array', min: 1, message: t('变更著作权人须上传权属变更证明') }]}
                >
                  <Uploads
                    action={link('/api/filing/uploads/{kind}', { kind: 'attachment' })}
                    accept=".pdf,.jpg,.jpeg,.png"
                    max={10}
                    testId="proof-upload"
                  />
                </Form.Item>
              </>
            ) : null}
          </>
        ) : null}
        {kind === 'reissue' ? (
          <Form.Item name="reason" label={t('申请原因')} rules={[{ required: true }]}>
            <Radio.Group options={ReissueReason.options.map((r) => ({ value: r, label: S.reason[r] }))} />
          </Form.Item>
        ) : null}
        {contract ? (
          <>
            <Form.Item label={kind === 'transfer' ? t('受让方') : t('被许可方')} required>
              <Space wrap>
                {counterparty ? <span data-testid="counterparty">{counterparty.name}</span> : null}
                <Button onClick={() => setDialog('counterparty')} data-testid="counterparty-edit">
                  {counterparty ? t('修改') : t('添加')}
                </Button>
              </Space>
            </Form.Item>
            <Form.Item
              name="contractFile"
              label={t('合同文本')}
              rules={[{ required: true, type: 'array', min: 1, message: t('请上传合同文本') }]}
            >
              <Uploads
                action={link('/api/filing/uploads/{kind}', { kind: 'attachment' })}
                accept=".pdf"
                max={1}
                testId="contract-upload"
              />
            </Form.Item>
            <Form.Item
              name="signedOn"
              label={t('合同签订日期')}
              rules={[{ required: true, message: t('请选择合同签订日期') }]}
            >
              <DatePicker disabledDate={(d) => d.isAfter(dayjs())} />
            </Form.Item>
            <Form.Item
              name="rights"
              label={kind === 'transfer' ? t('转让的权利') : t('许可的权利')}
              // A validator, not `required`: antd would put aria-required on the checkbox group's div (axe: not allowed).
              rules={[
                {
                  validator: async (_rule, v?: unknown[]) => {
                    if (!v?.length) throw new Error(t('请至少选择一项权利'));
                  },
                },
              ]}
            >
              <Checkbox.Group options={Right.options.map((r) => ({ value: r, label: L.right[r] }))} />
            </Form.Item>
            {kind === 'licence' ? (
              <Form.Item name="term" label={t('许可期限')} rules={[{ required: true, message: t('请选择许可期限') }]}>
                <DatePicker.RangePicker />
              </Form.Item>
            ) : null}
          </>
        ) : null}
        <Form.Item
          name="statement"
          label={t('申请说明')}
          rules={[{ required: true, whitespace: true, message: t('请填写申请说明') }]}
        >
          <Input.TextArea rows={4} maxLength={2000} showCount />
        </Form.Item>
        <Space wrap>
          <Button type="primary" onClick={() => send(true)} loading={busy} data-testid="request-submit">
            {t('提交')}
          </Button>
          {resubmit ? null : (
            <Button onClick={() => send(false)} loading={busy} data-testid="request-save">
              {t('暂存')}
            </Button>
          )}
        </Space>
      </Form>
      <HolderDialog
        open={dialog !== undefined}
        initial={dialog === 'counterparty' ? counterparty : dialog === undefined ? undefined : holders.list?.[dialog]}
        onOk={(h) => {
          if (dialog === 'counterparty') setCounterparty(h);
          else if (dialog !== undefined) holders.set(Object.assign([...(holders.list ?? [])], { [dialog]: h }));
          setDialog(undefined);
        }}
        onCancel={() => setDialog(undefined)}
      />
    </>
  );
}

/** 变更前 / 变更后 side by side; a holder who leaves or joins is marked. */
function HoldersCompare({ before, after }: { before: string[]; after: string[] }) {
  const t = useT();
  const rows = Array.from({ length: Math.max(before.length, after.length) }, (_x, i) => ({
    i,
    before: before[i],
    after: after[i],
  }));
  const mark = (name: string | undefined, other: string[], tag: string, color: string) =>
    name ? (
      <>
        {name} {other.includes(name) ? null : <Tag color={color}>{tag}</Tag>}
      </>
    ) : null;
  return (
    <Table
      rowKey="i"
      size="small"
      pagination={false}
      dataSource={rows}
      data-testid="holders-compare"
      columns={[
        { title: t('变更前'), render: (_v, r) => mark(r.before, after, t('移出'), 'red') },
        { title: t('变更后'), render: (_v, r) => mark(r.after, before, t('新增'), 'green') },
      ]}
    />
  );
}

const Parties = ({ view }: { view: ServiceRequestView }) => {
  const t = useT();
  const L = useLabels();
  const S = useServiceLabels();
  if (!view.parties.length) return null;
  return (
    <Card size="small" title={t('签章确认')} style={{ marginBottom: 16 }}>
      <Steps
        direction="vertical"
        size="small"
        current={view.parties.findIndex((p) => p.current)}
        items={view.parties.map((p) => ({
          title: t('{role}：{name}', { role: S.party[p.role as PartyRole], name: p.name }),
          status: p.confirmedAt ? 'finish' : p.current ? 'process' : 'wait',
          description: p.confirmedAt
            ? t('已签章 {time}', { time: dayjs(p.confirmedAt).format('YYYY-MM-DD HH:mm') })
            : p.current
              ? L.signerState.current
              : L.signerState.waiting,
        }))}
      />
    </Card>
  );
};

/** One request: what was asked, the parties' confirmations, the decisions and the outcome. */
export function ServiceRequestDetail({ staffStage }: { staffStage?: ServiceReviewStage }) {
  const { requestId = '' } = useParams();
  const t = useT();
  const L = useLabels();
  const S = useServiceLabels();
  const fail = useFailure();
  const { message } = App.useApp();
  const [view, setView] = useState<ServiceRequestView>();
  const [missing, setMissing] = useState(false);
  const { run } = useCommand();
  const load = () =>
    ok(client.GET('/api/filing/service-requests/{requestId}', { params: { path: { requestId } } })).then(
      setView,
      (err) => {
        setMissing(true);
        fail(err);
      },
    );
  // biome-ignore lint/correctness/useExhaustiveDependencies: loads once per request id
  useEffect(() => {
    void load();
  }, [requestId]);
  if (missing) return <Result status="404" title={t('没有找到该业务')} />;
  if (!view) return <Spin style={{ display: 'block', margin: 48 }} />;
  const a = new Set(view.actions);
  const act = (action: 'submit' | 'confirm' | 'withdraw', done: string) =>
    run(async () => {
      setView(await actOn(view.requestId, action));
      message.success(t(done));
    });
  const download = () =>
    ok(
      client.GET('/api/filing/service-requests/{requestId}/record/download', {
        params: { path: { requestId: view.requestId } },
      }),
    ).then((r) => window.open(r.url, '_blank', 'noopener'), fail);
  const c = view.changes;
  const contract = view.kind === 'transfer' || view.kind === 'licence';
  return (
    <>
      <PageTitle
        extra={
          <Space wrap>
            {a.has('submit') ? (
              <Button type="primary" onClick={() => act('submit', '已提交')} data-testid="request-submit">
                {t('提交')}
              </Button>
            ) : null}
            {a.has('resubmit') ? (
              <Link to={`/services/new/${view.kind}?resubmit=${view.requestId}`}>
                <Button type="primary" data-testid="request-resubmit">
                  {t('修改后重新提交')}
                </Button>
              </Link>
            ) : null}
            {a.has('confirm') ? (
              <Button type="primary" onClick={() => act('confirm', '已签章确认')} data-testid="request-confirm">
                {t('签章确认')}
              </Button>
            ) : null}
            {a.has('withdraw') ? (
              <Button danger onClick={() => act('withdraw', '已撤回')}>
                {t('撤回')}
              </Button>
            ) : null}
            {a.has('download_record') && contract ? (
              <Button onClick={download} data-testid="request-record">
                {t('下载备案证明')}
              </Button>
            ) : null}
            {view.outcome?.edition ? (
              // The new edition is the registration's certificate now.
              <Button
                href={link('/api/certificate/certificates/{filingId}/pdf', { filingId: view.filingId })}
                data-testid="request-certificate"
              >
                {t('下载证书')}
              </Button>
            ) : null}
          </Space>
        }
      >
        {t('{kind}：{title}', { kind: S.kind[view.kind], title: view.title })} <StatusTag status={view.status} />
      </PageTitle>
      {view.outcome ? (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="request-outcome"
          message={
            view.outcome.recordNumber
              ? t('已办结，备案号 {n}', { n: view.outcome.recordNumber })
              : t('已办结，已发放第 {e} 版证书（登记号 {n}）', {
                  e: view.outcome.edition ?? 1,
                  n: view.outcome.registrationNumber,
                })
          }
        />
      ) : null}
      {view.status === 'returned' ? <ReturnedNotice view={view} /> : null}
      {view.closedReason ? (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          data-testid="request-closed"
          message={S.closed[view.closedReason]}
        />
      ) : null}
      {view.fee > 0 ? (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          message={t('本业务收费 {fee} 元', { fee: view.fee })}
        />
      ) : null}
      <Card size="small" title={t('申请内容')} style={{ marginBottom: 16 }}>
        <Descriptions column={1} size="small" bordered data-testid="request-facts">
          <Descriptions.Item label={t('登记号')}>{view.registrationNumber}</Descriptions.Item>
          <Descriptions.Item label={t('作品名称')}>
            <Link to={`/filings/${view.filingId}`}>{view.title}</Link>
          </Descriptions.Item>
          <Descriptions.Item label={t('申请日期')}>{day(view.appliedAt)}</Descriptions.Item>
          {view.mode ? <Descriptions.Item label={t('申请类型')}>{S.mode[view.mode]}</Descriptions.Item> : null}
          {view.reason ? <Descriptions.Item label={t('申请原因')}>{S.reason[view.reason]}</Descriptions.Item> : null}
          {c?.title ? <Descriptions.Item label={t('作品名称（变更后）')}>{c.title}</Descriptions.Item> : null}
          {c?.authors ? (
            <Descriptions.Item label={t('作者（变更后）')}>
              {c.authors.map((x) => x.name).join(t('、'))}
            </Descriptions.Item>
          ) : null}
          {c?.holders ? (
            <Descriptions.Item label={t('著作权人')}>
              <HoldersCompare before={view.registeredHolders} after={c.holders.map((h) => h.name)} />
            </Descriptions.Item>
          ) : null}
          {view.proofs?.length ? (
            <Descriptions.Item label={t('权属变更证明')}>
              <Space direction="vertical" size={0}>
                {view.proofs.map((p) => (
                  <StoredFile
                    key={p.uploadId}
                    upload={p}
                    link={link('/api/filing/service-requests/{requestId}/proofs/{uploadId}/download', {
                      requestId: view.requestId,
                      uploadId: p.uploadId,
                    })}
                  />
                ))}
              </Space>
            </Descriptions.Item>
          ) : null}
          {c?.completedOn ? (
            <Descriptions.Item label={t('创作完成日期（变更后）')}>{c.completedOn}</Descriptions.Item>
          ) : null}
          {c?.firstPublishedOn ? (
            <Descriptions.Item label={t('首次发表日期（变更后）')}>{c.firstPublishedOn}</Descriptions.Item>
          ) : null}
          {c?.firstPublishedPlace ? (
            <Descriptions.Item label={t('首次发表地点（变更后）')}>{c.firstPublishedPlace}</Descriptions.Item>
          ) : null}
          {view.contract ? (
            <>
              <Descriptions.Item label={view.kind === 'transfer' ? t('受让方') : t('被许可方')}>
                {view.contract.counterpartyName}
              </Descriptions.Item>
              <Descriptions.Item label={t('合同文本')}>
                <StoredFile
                  upload={view.contract.contractFile}
                  link={link('/api/filing/service-requests/{requestId}/contract/download', {
                    requestId: view.requestId,
                  })}
                />
              </Descriptions.Item>
              <Descriptions.Item label={t('合同签订日期')}>{view.contract.signedOn}</Descriptions.Item>
              <Descriptions.Item label={view.kind === 'transfer' ? t('转让的权利') : t('许可的权利')}>
                {view.contract.rights.map((r) => L.right[r]).join(t('、'))}
              </Descriptions.Item>
              {view.contract.termFrom ? (
                <Descriptions.Item label={t('许可期限')}>
                  {view.contract.termFrom} – {view.contract.termTo}
                </Descriptions.Item>
              ) : null}
            </>
          ) : null}
          <Descriptions.Item label={t('申请说明')}>
            <span style={{ whiteSpace: 'pre-wrap' }}>{view.statement}</span>
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Parties view={view} />
      {view.decisions.length ? (
        <Card size="small" title={t('审核记录')} style={{ marginBottom: 16 }}>
          {view.decisions.map((d) => (
            <div key={`${d.stage}-${d.decidedAt}`}>
              {dayjs(d.decidedAt).format('YYYY-MM-DD HH:mm')}{' '}
              {t('{stage}：{decision}', { stage: L.stage[d.stage] ?? '', decision: S.decision[d.decision] })}
              {d.reasons.length ? <Typography.Text type="secondary"> {d.reasons.join(t('；'))}</Typography.Text> : null}
            </div>
          ))}
        </Card>
      ) : null}
      {staffStage && a.has('review') ? <ReviewForm view={view} stage={staffStage} onDone={setView} /> : null}
    </>
  );
}

/** 通过 or 不予办理 (with reasons) at the reviewer's stage. */
function ReviewForm(props: {
  view: ServiceRequestView;
  stage: ServiceReviewStage;
  onDone: (v: ServiceRequestView) => void;
}) {
  const t = useT();
  const S = useServiceLabels();
  const { message } = App.useApp();
  const [form] = Form.useForm<{ decision: ServiceDecision; reasons?: string }>();
  const { busy, run } = useCommand();
  const submit = async () => {
    const v = await form.validateFields();
    await run(async () => {
      props.onDone(
        await ok(
          client.POST('/api/filing/staff/service-requests/{requestId}/review/{stage}', {
            params: { path: { requestId: props.view.requestId, stage: props.stage } },
            body: { decision: v.decision, reasons: lines(v.reasons) },
          }),
        ),
      );
      message.success(t('审核意见已提交'));
    }, form);
  };
  return (
    <Card size="small" title={t('审核意见')} style={{ marginBottom: 16 }}>
      <Form form={form} layout="vertical" initialValues={{ decision: 'approve' }} data-testid="request-review-form">
        <Form.Item name="decision" label={t('审核结果')} rules={[{ required: true }]}>
          <Radio.Group
            optionType="button"
            options={(['approve', 'return', 'refuse'] as const).map((d) => ({ value: d, label: S.decision[d] }))}
          />
        </Form.Item>
        <Form.Item name="reasons" label={t('理由')} extra={t('每行一条理由；退回修改或不予办理须写明理由')}>
          <Input.TextArea rows={3} maxLength={2000} />
        </Form.Item>
        <Button type="primary" onClick={submit} loading={busy} data-testid="request-review-submit">
          {t('提交审核意见')}
        </Button>
      </Form>
    </Card>
  );
}

/** 业务初审 / 业务终审: the requests waiting at the stage, oldest first. */
export function ServiceRequestQueue() {
  const { stage = 'initial' } = useParams() as { stage: ServiceReviewStage };
  const t = useT();
  const L = useLabels();
  const S = useServiceLabels();
  const [kind, setKind] = useState<ServiceRequestKind>();
  const paged = usePaged('/api/filing/staff/service-requests', { stage, kind });
  return (
    <>
      <PageTitle>{t('其他登记服务：{stage}', { stage: L.stage[stage] ?? '' })}</PageTitle>
      <ListFilter<ServiceRequestKind>
        label={t('业务类型')}
        width={260}
        value={kind}
        onChange={(v) => {
          setKind(v);
          paged.setPage(1);
        }}
        options={ServiceRequestKind.options.map((k) => ({ value: k, label: S.kind[k] }))}
      />
      <Table<ServiceRequestListItem>
        rowKey="requestId"
        size="middle"
        loading={paged.loading}
        dataSource={paged.items}
        pagination={paged.pagination}
        data-testid="request-queue"
        columns={[
          { title: t('业务类型'), render: (_v, r) => S.kind[r.kind] },
          { title: t('作品名称'), dataIndex: 'title' },
          { title: t('登记号'), dataIndex: 'registrationNumber', responsive: ['md'] },
          { title: t('申请日期'), render: (_v, r) => day(r.appliedAt), responsive: ['md'] },
          { title: t('办结期限'), render: (_v, r) => day(r.reviewDeadline), responsive: ['md'] },
          { title: t('状态'), render: (_v, r) => <StatusTag status={r.status} /> },
          {
            title: t('操作'),
            render: (_v, r) => (
              <Link to={`/staff/service-requests/${stage}/${r.requestId}`} data-testid="request-open">
                {t('审核')}
              </Link>
            ),
          },
        ]}
      />
    </>
  );
}
