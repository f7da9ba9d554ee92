import { App, Button, Card, Descriptions, Form, Input, Modal, Radio, Select, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import { client, ok } from '../api';
import { IdentityProofs } from '../components/IdentityProofs';
import { useFailure, zodRule } from '../forms';
import { localeOf, useLang, useT } from '../i18n';
import { statusColor, useLabels } from '../labels';
import { PageTitle } from '../layout/AppLayout';
import { usePaged } from '../paging';
import { DeliveryInput, type FilingListItem, Role, type UserListItem, type UserSummary } from '../proto';

/**
 * 管理: find an account by name, mobile, ID number or account; see its identity proofs; change its
 * category (代理公司/代理律师 after the qualification check, recorded) and staff roles.
 */
export function AdminUsers() {
  const [q, setQ] = useState<string>();
  const found = usePaged(q ? '/api/identity/admin/users' : undefined, { q });
  const [user, setUser] = useState<UserSummary>();
  const [busy, setBusy] = useState(false);
  const [categoryForm] = Form.useForm();
  const [rolesForm] = Form.useForm();
  const { message } = App.useApp();
  const fail = useFailure();
  const t = useT();
  const { lang } = useLang();
  const L = useLabels();

  const search = (text: string) => {
    const v = text.trim();
    if (!v) {
      message.warning(t('请输入姓名、手机号、证件号或账号'));
      return;
    }
    setUser(undefined);
    found.setPage(1);
    if (v === q) void found.reload();
    else setQ(v);
  };

  const open = useCallback(
    async (userId: string) => {
      try {
        setUser(await ok(client.GET('/api/identity/admin/users/{userId}', { params: { path: { userId } } })));
      } catch (err) {
        setUser(undefined);
        fail(err);
      }
    },
    [fail],
  );

  // A single match (a user id, a full ID number): open it at once.
  useEffect(() => {
    if (found.total === 1 && found.items[0]) void open(found.items[0].userId);
  }, [found.items, found.total, open]);

  useEffect(() => {
    if (user) rolesForm.setFieldsValue({ roles: user.roles, region: user.region });
  }, [user, rolesForm]);

  const changeCategory = async () => {
    const v = await categoryForm.validateFields();
    setBusy(true);
    try {
      setUser(
        await ok(
          client.POST('/api/identity/admin/users/{userId}/category', {
            params: { path: { userId: user?.userId ?? '' } },
            body: v,
          }),
        ),
      );
      message.success(t('用户类别已修改，核对情况已记录'));
      categoryForm.resetFields();
      if (q) void found.reload();
    } catch (err) {
      fail(err, categoryForm);
    } finally {
      setBusy(false);
    }
  };

  const setRoles = async () => {
    const v = await rolesForm.validateFields();
    setBusy(true);
    try {
      setUser(
        await ok(
          client.PUT('/api/identity/admin/users/{userId}/roles', {
            params: { path: { userId: user?.userId ?? '' } },
            body: v,
          }),
        ),
      );
      message.success(t('角色已保存'));
      if (q) void found.reload();
    } catch (err) {
      fail(err, rolesForm);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>{t('用户类别与角色')}</PageTitle>
      <Input.Search
        placeholder={t('姓名或名称、手机号、证件号或账号')}
        enterButton={t('查找')}
        style={{ maxWidth: 520, marginBottom: 16 }}
        onSearch={search}
        data-testid="admin-user-search"
      />
      {q ? (
        <Table<UserListItem>
          rowKey="userId"
          size="small"
          style={{ marginBottom: 16 }}
          loading={found.loading}
          dataSource={found.items}
          pagination={found.pagination}
          locale={{ emptyText: t('没有找到符合条件的用户') }}
          rowClassName={(u) => (u.userId === user?.userId ? 'ant-table-row-selected' : '')}
          data-testid="admin-user-results"
          columns={[
            { title: t('姓名或名称'), dataIndex: 'name' },
            { title: t('账号'), dataIndex: 'account', ellipsis: true, width: 140 },
            { title: t('用户类别'), render: (_v, u) => (u.category ? L.category[u.category] : t('未完善资料')) },
            {
              title: t('证件'),
              width: 200,
              render: (_v, u) => (
                <>
                  {u.idType ? <div>{L.idType[u.idType]}</div> : null}
                  <div style={{ whiteSpace: 'nowrap' }}>{u.idNumber}</div>
                </>
              ),
            },
            { title: t('手机号'), dataIndex: 'mobile', width: 120 },
            {
              title: t('角色'),
              render: (_v, u) =>
                u.roles.map((r) => (
                  <Tag key={r} style={{ marginBottom: 2 }}>
                    {L.role[r]}
                  </Tag>
                )),
            },
            {
              title: t('最近登录'),
              render: (_v, u) => (u.lastLoginAt ? dayjs(u.lastLoginAt).format('YYYY-MM-DD HH:mm') : ''),
            },
            {
              title: t('操作'),
              render: (_v, u) => (
                <Button size="small" type="link" onClick={() => open(u.userId)} data-testid="admin-user-open">
                  {t('查看')}
                </Button>
              ),
            },
          ]}
        />
      ) : null}
      {user ? (
        <>
          <Card size="small" style={{ marginBottom: 16 }} data-testid="admin-user">
            <Descriptions size="small" column={2}>
              <Descriptions.Item label={t('姓名或名称')}>{user.name}</Descriptions.Item>
              <Descriptions.Item label={t('用户类别')}>
                {user.category ? L.category[user.category] : t('未完善资料')}
              </Descriptions.Item>
              <Descriptions.Item label={t('角色')}>
                {user.roles.map((r) => (
                  <Tag key={r}>{L.role[r]}</Tag>
                ))}
              </Descriptions.Item>
              <Descriptions.Item label={t('地区')}>{L.region(user.region)}</Descriptions.Item>
              <Descriptions.Item label={t('用户编号')}>{user.userId}</Descriptions.Item>
            </Descriptions>
          </Card>
          <IdentityProofs userId={user.userId} />
          <Card size="small" title={t('修改用户类别为代理公司或代理律师')} style={{ marginBottom: 16 }}>
            <Typography.Paragraph type="secondary">
              {t(
                '代理公司或代理律师在完善资料后联系工作人员，经确认具备版权代理资质的，由工作人员修改用户类别。核对情况将被记录。',
              )}
            </Typography.Paragraph>
            <Form form={categoryForm} layout="vertical" data-testid="category-form">
              <Form.Item name="category" label={t('新类别')} rules={[{ required: true, message: t('请选择类别') }]}>
                <Radio.Group
                  options={[
                    { value: 'agency_company', label: t('代理公司') },
                    { value: 'agency_lawyer', label: t('代理律师') },
                  ]}
                />
              </Form.Item>
              <Form.Item
                name="note"
                label={t('资质核对情况')}
                rules={[{ required: true, message: t('请填写资质核对情况') }]}
              >
                <Input.TextArea
                  rows={2}
                  maxLength={500}
                  placeholder={t('如：已核验营业执照及版权代理资质证明（编号……）')}
                />
              </Form.Item>
              <Button type="primary" onClick={changeCategory} loading={busy}>
                {t('修改类别')}
              </Button>
            </Form>
            <Table
              style={{ marginTop: 16 }}
              size="small"
              pagination={false}
              rowKey="changedAt"
              dataSource={user.categoryChanges}
              locale={{ emptyText: t('暂无变更记录') }}
              columns={[
                { title: t('时间'), render: (_v, c) => new Date(c.changedAt).toLocaleString(localeOf(lang)) },
                { title: t('原类别'), render: (_v, c) => (c.from ? L.category[c.from] : '') },
                { title: t('新类别'), render: (_v, c) => L.category[c.to] },
                // The note the service writes itself (用户完善资料时选择) in the language shown; staff's own notes as typed.
                { title: t('核对情况'), render: (_v, c) => t(c.note) },
                { title: t('操作人'), render: (_v, c) => c.changedByName ?? c.changedBy },
              ]}
            />
          </Card>
          <Card size="small" title={t('工作人员角色')}>
            <Form form={rolesForm} layout="inline">
              <Form.Item name="roles" rules={[{ required: true, message: t('请选择角色') }]}>
                <Select
                  mode="multiple"
                  aria-label={t('工作人员角色')}
                  style={{ minWidth: 320 }}
                  options={Role.options.map((r) => ({ value: r, label: L.role[r] }))}
                />
              </Form.Item>
              <Form.Item name="region">
                <Select
                  allowClear
                  aria-label={t('所属地区（下级部门必填）')}
                  placeholder={t('所属地区（下级部门必填）')}
                  style={{ width: 220 }}
                  options={L.regions}
                />
              </Form.Item>
              <Button onClick={setRoles} loading={busy}>
                {t('保存角色')}
              </Button>
            </Form>
          </Card>
        </>
      ) : null}
    </>
  );
}

/** 纸质证书发放: certified works; record the SF Express waybill (顺丰到付) or the pickup. */
export function AdminDelivery() {
  const list = usePaged('/api/filing/staff/filings', { list: 'certified' });
  const [recording, setRecording] = useState<FilingListItem>();
  const [form] = Form.useForm<{ kind: 'mailed' | 'picked_up'; waybillNo?: string }>();
  const kind = Form.useWatch('kind', form);
  const { message } = App.useApp();
  const fail = useFailure();
  const t = useT();
  const L = useLabels();
  const record = async () => {
    const v = await form.validateFields();
    try {
      await client.POST('/api/certificate/admin/deliveries/{filingId}', {
        params: { path: { filingId: recording?.filingId ?? '' } },
        body: v.kind === 'mailed' ? { kind: 'mailed', waybillNo: v.waybillNo ?? '' } : { kind: 'picked_up' },
      });
      message.success(t('已登记'));
      setRecording(undefined);
      form.resetFields();
      await list.reload();
    } catch (err) {
      fail(err, form);
    }
  };
  return (
    <>
      <PageTitle>{t('纸质证书发放')}</PageTitle>
      <Typography.Paragraph type="secondary">
        {t(
          '选择邮寄的，事项办结后陆续制证和邮寄（顺丰到付），登记运单号后申请人可在作品详情中查看；选择自领的，申请人收到电子发票后于工作时间内前来领取。',
        )}
      </Typography.Paragraph>
      <Table<FilingListItem>
        rowKey="filingId"
        size="middle"
        loading={list.loading}
        dataSource={list.items}
        pagination={list.pagination}
        columns={[
          { title: t('登记号'), dataIndex: 'registrationNumber' },
          {
            title: t('作品名'),
            dataIndex: 'title',
            render: (title, f) => <Link to={`/filings/${f.filingId}`}>{title || t('（未填写）')}</Link>,
          },
          { title: t('著作权人'), dataIndex: 'holders' },
          { title: t('状态'), render: (_v, f) => <Tag color={statusColor[f.status]}>{L.status[f.status]}</Tag> },
          { title: t('备注'), dataIndex: 'remark' },
          {
            title: t('操作'),
            render: (_v, f) =>
              f.status === 'certified' ? (
                <Button size="small" type="primary" onClick={() => setRecording(f)} data-testid="record-delivery">
                  {t('登记发放')}
                </Button>
              ) : null,
          },
        ]}
      />
      <Modal
        title={t('登记纸质证书发放：{title}', { title: recording?.title ?? '' })}
        open={!!recording}
        onCancel={() => setRecording(undefined)}
        onOk={record}
      >
        <Form form={form} layout="vertical" initialValues={{ kind: 'mailed' }} data-testid="delivery-form">
          <Form.Item name="kind" label={t('发放方式')}>
            <Radio.Group
              options={[
                { value: 'mailed', label: t('已邮寄（顺丰到付）') },
                { value: 'picked_up', label: t('已自领') },
              ]}
            />
          </Form.Item>
          {kind === 'mailed' ? (
            <Form.Item
              name="waybillNo"
              label={t('运单号')}
              rules={[
                { required: true, message: t('请填写运单号') },
                zodRule(DeliveryInput.options[0].shape.waybillNo),
              ]}
            >
              <Input />
            </Form.Item>
          ) : null}
        </Form>
      </Modal>
    </>
  );
}
