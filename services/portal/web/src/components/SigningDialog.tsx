import { App, Button, Modal, Space, Table, Tag, Typography } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { ApiFailure, client, link, ok } from '../api';
import { useFailure } from '../forms';
import { useT } from '../i18n';
import { useLabels } from '../labels';
import type { SigningList } from '../proto';

export const loadSigningList = (filingId: string) =>
  ok(client.GET('/api/signature/filings/{filingId}/signing-list', { params: { path: { filingId } } }));

/**
 * The signing list dialog of the manual: 序号, 签章人/单位, 类型, 状态, 查看表单, 签章, 复制签章链接.
 * It refreshes while open; when every signature is done while it is open, the work is submitted.
 */
export function SigningDialog({ filingId, onClose }: { filingId: string; onClose: (submitted: boolean) => void }) {
  const [list, setList] = useState<SigningList>();
  const [submitted, setSubmitted] = useState(false);
  const submitting = useRef(false);
  const loaded = useRef(false);
  const { message } = App.useApp();
  const fail = useFailure();
  const t = useT();
  const L = useLabels();
  const navigate = useNavigate();

  const refresh = useCallback(async () => {
    try {
      const next = await loadSigningList(filingId);
      loaded.current = true;
      setList(next);
      // 电子签章列表页面打开状态时完成全部电子签章的作品，平台会自动进行提交。`complete` means the
      // registration has taken every signature, so the submission is accepted.
      if (next.complete && !submitting.current) {
        submitting.current = true;
        try {
          await client.POST('/api/filing/filings/{filingId}/submit', { params: { path: { filingId } } });
        } catch (err) {
          submitting.current = false;
          throw err;
        }
        setSubmitted(true);
        message.success(t('全部电子签章已完成，作品已自动提交，请缴费'));
      }
    } catch (err) {
      // Right after 提交并电子签章 the list is still being prepared: not an error, the next refresh shows it.
      if (err instanceof ApiFailure && err.status === 404 && !loaded.current) return;
      fail(err);
    }
  }, [filingId, message, fail, t]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), 3000);
    return () => clearInterval(timer);
  }, [refresh]);

  const copy = async (link: string) => {
    const absolute = new URL(link, location.origin).href;
    await navigator.clipboard.writeText(absolute).then(
      () => message.success(t('签章链接已复制，请告知相应单位或个人登录签章')),
      () => Modal.info({ title: t('签章链接'), content: absolute }),
    );
  };

  return (
    <Modal
      title={t('签章')}
      open
      width={860}
      onCancel={() => onClose(submitted)}
      footer={
        <Space>
          {submitted ? (
            <Button type="primary" onClick={() => navigate(`/filings/${filingId}/pay`)} data-testid="go-pay">
              {t('去缴费')}
            </Button>
          ) : null}
          <Button onClick={() => onClose(submitted)}>{t('关闭')}</Button>
        </Space>
      }
      data-testid="signing-dialog"
    >
      <Typography.Paragraph type="secondary">
        {t(
          '在签章页面点击“开始签署”，签名或印章会放在该签章人自己的签章处（虚线框）；如需调整，可在签章区域内拖动或用方向键移动，核对无误后点击“确认”。',
        )}
      </Typography.Paragraph>
      <Table<SigningList['items'][number]>
        size="small"
        rowKey="signerId"
        pagination={false}
        loading={!list}
        dataSource={list?.items ?? []}
        columns={[
          { title: t('序号'), dataIndex: 'seq', width: 60 },
          { title: t('签章人/单位'), dataIndex: 'name' },
          { title: t('类型'), render: (_v, r) => L.signerKind[r.kind] },
          {
            title: t('状态'),
            render: (_v, r) => (
              <Tag
                color={{ signed: 'green', signing: 'blue', current: 'orange', waiting: 'default' }[r.state]}
                data-testid="signer-state"
              >
                {L.signerState[r.state]}
              </Tag>
            ),
          },
          {
            title: t('操作'),
            render: (_v, r) => (
              <Space>
                <a
                  href={list?.formUrl ?? link('/api/signature/filings/{filingId}/form', { filingId })}
                  target="_blank"
                  rel="noreferrer"
                >
                  {t('查看表单')}
                </a>
                {r.state === 'current' && r.signingLink ? (
                  <>
                    <a href={r.signingLink} target="_blank" rel="noreferrer" data-testid="sign-link">
                      {t('签章')}
                    </a>
                    <Button
                      type="link"
                      size="small"
                      onClick={() => void copy(r.signingLink as string)}
                      data-testid="copy-link"
                    >
                      {t('复制签章链接')}
                    </Button>
                  </>
                ) : null}
              </Space>
            ),
          },
        ]}
      />
      {submitted ? (
        <Typography.Paragraph type="success" style={{ marginTop: 12 }} data-testid="auto-submitted">
          {t('全部电子签章已完成，作品已自动提交。')}
        </Typography.Paragraph>
      ) : null}
      <Typography.Paragraph type="secondary" style={{ marginTop: 12 }} className="hint">
        {t(
          '用户按页面提示点击“签章”并登录浙江政务服务网进行电子签章。非当前用户签章的可复制签章链接并告知相应单位或个人登录签章。电脑和手机浏览器均可签章；请勿在微信上使用内置浏览器打开签章链接。',
        )}
        <br />
        {t(
          '涉及多方签章的作品，需按签章顺序依次进行电子签章。当前签章人的状态显示为“待签章”，其他签章人的状态显示为“准备签章”，需当前签章人完成电子签章后才会生成相应签章链接。',
        )}
        <br />
        {t(
          '“查看表单”仅用于查看申请表内容是否有误，并非查看签章结果，签章人是否完成签章以签章列表显示的状态为准。可点击关闭进行其他填报操作，未完成全部电子签章的作品，在“待签章作品”一栏内点击“签章”可重新打开签章列表。',
        )}
      </Typography.Paragraph>
    </Modal>
  );
}
