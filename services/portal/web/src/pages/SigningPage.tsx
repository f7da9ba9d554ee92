import { Alert, App, Button, Card, Result, Space, Spin, Steps, Typography } from 'antd';
import { type PointerEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useParams } from 'react-router-dom';
import { ApiFailure, get, post, put } from '../api';
import { useFailure } from '../forms';
import type { Placement, SigningSession } from '../proto';

/** CSS pixels per PDF point on the page image. */
const SCALE = 1;

/**
 * Where the mark is on the page: its top-left corner in CSS pixels from the image's top-left, and
 * the same in PDF points from the page's bottom-left (as the signature service takes placements).
 * The image shows one PDF point as SCALE CSS pixels exactly (see `imageWidth`), so this is exact.
 */
const toPdf = (left: number, top: number, markHeight: number, pageHeight: number) => ({
  x: left / SCALE,
  y: pageHeight - top / SCALE - markHeight,
});
const toCss = (x: number, y: number, markHeight: number, pageHeight: number) => ({
  left: x * SCALE,
  top: (pageHeight - y - markHeight) * SCALE,
});
/** Points are kept to 0.01 pt: finer than any screen, and a tidy number in the form. */
const hundredths = (n: number) => Math.round(n * 100) / 100;

/**
 * The signing page (签章链接 /sign/<token>): the signature page (第二页) of the form as the signature
 * service renders it, 开始签署 puts the signature (or seal) at its top left, the signer drags it to
 * where it belongs, 确认. Only the designated signer gets here; anyone else is told
 * 您不是本份文件的签署者 with the manual's hints. 查看表单 opens the whole PDF.
 */
export function SigningPage() {
  const { token } = useParams() as { token: string };
  const [session, setSession] = useState<SigningSession>();
  const [refused, setRefused] = useState<ApiFailure>();
  const [placement, setPlacement] = useState<Placement>();
  const [done, setDone] = useState<{ complete: boolean }>();
  const [busy, setBusy] = useState(false);
  /** The page image's width in its own pixels, once loaded; false if it failed to load. */
  const [imagePx, setImagePx] = useState<number | false>();
  const drag = useRef<{ x0: number; y0: number; left: number; top: number }>(undefined);
  const { message } = App.useApp();
  const fail = useFailure();
  const base = `/api/signature/links/${token}`;

  const load = useCallback(async () => {
    try {
      const s = await get<SigningSession>(base);
      setSession(s);
      if (s.placement && !s.placement.confirmed) setPlacement(s.placement);
      if (s.placement?.confirmed) setDone({ complete: false });
    } catch (err) {
      if (err instanceof ApiFailure && err.status !== 401) setRefused(err);
      else fail(err);
    }
  }, [base, fail]);
  useEffect(() => {
    void load();
  }, [load]);

  const start = async () => {
    setBusy(true);
    try {
      // 开始签署: the mark appears at the top left of the signature page; the signer drags it into place.
      setPlacement(await post<Placement>(`${base}/placements`, { page: session?.signaturePage }));
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  const move = async (p: Placement) => {
    try {
      setPlacement(
        await put<Placement>(`${base}/placements/${p.placementId}`, {
          page: p.page,
          x: hundredths(p.x),
          y: hundredths(p.y),
        }),
      );
    } catch (err) {
      fail(err);
    }
  };

  const confirm = async () => {
    if (!placement) return;
    setBusy(true);
    try {
      const r = await post<{ signed: true; complete: boolean }>(
        `${base}/placements/${placement.placementId}/confirm`,
        {},
      );
      setDone({ complete: r.complete });
      message.success('签署完成，请关闭页面');
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };

  if (refused) return <NotTheSigner message={refused.message} />;
  if (!session) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (done) {
    return (
      <Result
        status="success"
        title="签署完成"
        subTitle="您的电子签章已确认，请根据提示关闭页面。签章人是否完成签章以签章列表显示的状态为准。"
        data-testid="signed"
      />
    );
  }
  const { width: W, height: H } = session.pageSize;
  const { dpi } = session.pageImage;
  const mark = placement ?? undefined;
  // The image at 72/dpi points per pixel: its last, partly covered pixel may overhang the page box.
  const imageWidth = imagePx ? ((imagePx * 72) / dpi) * SCALE : W * SCALE;

  const onDown = (e: PointerEvent<HTMLDivElement>) => {
    if (!mark) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const at = toCss(mark.x, mark.y, mark.height, H);
    drag.current = { x0: e.clientX, y0: e.clientY, ...at };
  };
  const onMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag.current || !mark) return;
    // Kept wholly on the page.
    const left = Math.min(Math.max(drag.current.left + e.clientX - drag.current.x0, 0), (W - mark.width) * SCALE);
    const top = Math.min(Math.max(drag.current.top + e.clientY - drag.current.y0, 0), (H - mark.height) * SCALE);
    setPlacement({ ...mark, ...toPdf(left, top, mark.height, H) });
  };
  const onUp = () => {
    if (!drag.current || !mark) return;
    drag.current = undefined;
    void move(mark);
  };
  const suggested = toCss(session.suggested.x, session.suggested.y, session.markSize.height, H);

  return (
    <>
      <Typography.Title level={4}>
        电子签章：{session.kindLabel}（{session.signerName}）
      </Typography.Title>
      <Steps
        size="small"
        style={{ marginBottom: 16, maxWidth: 720 }}
        current={placement ? 2 : 1}
        items={[{ title: '查看表单' }, { title: '开始签署' }, { title: '拖动并确认' }]}
      />
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        message="申请表内容确认无误后，请点击“开始签署”生成签名或印章。"
        description="涉及多方签章时，在需签章页面（第二页）点击“开始签署”，并自行拖动至页面需签章处。签署完成后需点击“确认”，并根据弹窗提示关闭页面。未经确认而直接关闭的签章操作无效，需重新签署。"
      />
      <Space align="start" size={24} wrap>
        <Card
          size="small"
          title={`第${session.signaturePage + 1}页（签章页）`}
          extra={
            <Space>
              <Button href={session.formUrl} target="_blank" title="打开完整申请表（PDF）" data-testid="whole-form">
                查看表单
              </Button>
              <Button onClick={start} disabled={!!placement} loading={busy && !placement} data-testid="start-signing">
                开始签署
              </Button>
              <Button
                type="primary"
                onClick={confirm}
                disabled={!placement}
                loading={busy && !!placement}
                data-testid="confirm-signing"
              >
                确认
              </Button>
            </Space>
          }
        >
          {imagePx === false ? (
            <Alert
              type="error"
              showIcon
              style={{ marginBottom: 12, maxWidth: W * SCALE }}
              message="签章页图像加载失败"
              description="请刷新页面重试；也可点击“查看表单”查看完整申请表。"
            />
          ) : null}
          <div
            data-testid="sign-page"
            style={{
              position: 'relative',
              width: W * SCALE,
              height: H * SCALE,
              overflow: 'hidden',
              boxShadow: '0 0 0 1px #ddd',
              background: '#fff',
            }}
          >
            <img
              data-testid="sign-page-image"
              src={session.pageImage.url}
              alt={`申请表第${session.signaturePage + 1}页`}
              draggable={false}
              onLoad={(e) => setImagePx(e.currentTarget.naturalWidth)}
              onError={() => setImagePx(false)}
              style={{ position: 'absolute', left: 0, top: 0, width: imageWidth, height: 'auto', userSelect: 'none' }}
            />
            {imagePx === undefined ? <Spin style={{ position: 'absolute', left: '50%', top: '40%' }} /> : null}
            {/* The layer the mark is dragged on, above the page image. */}
            <div
              style={{ position: 'absolute', inset: 0, touchAction: 'none' }}
              onPointerMove={onMove}
              onPointerUp={onUp}
              onPointerCancel={onUp}
            >
              {!mark ? (
                <div
                  style={{
                    position: 'absolute',
                    ...suggested,
                    width: session.markSize.width * SCALE,
                    height: session.markSize.height * SCALE,
                    border: '1px dashed #bbb',
                    color: '#bbb',
                    fontSize: 12,
                    display: 'flex',
                    alignItems: 'center',
                    justifyContent: 'center',
                  }}
                >
                  签章处
                </div>
              ) : (
                <div
                  data-testid="signature-mark"
                  onPointerDown={onDown}
                  style={{
                    position: 'absolute',
                    ...toCss(mark.x, mark.y, mark.height, H),
                    width: mark.width * SCALE,
                    height: mark.height * SCALE,
                    border: '2px solid #c00',
                    borderRadius: session.mark === 'seal' ? '50%' : 4,
                    color: '#c00',
                    display: 'flex',
                    alignItems: 'center',
                    justifyContent: 'center',
                    cursor: 'move',
                    fontFamily: 'serif',
                    fontWeight: 600,
                    background: 'rgba(255,255,255,.8)',
                    userSelect: 'none',
                    textAlign: 'center',
                    fontSize: 13,
                  }}
                >
                  {session.signerName}
                </div>
              )}
            </div>
          </div>
        </Card>
      </Space>
    </>
  );
}

/** 您不是本份文件的签署者, with the manual's 电子签章常见问题 hints. */
export function NotTheSigner({ message }: { message?: string }) {
  return (
    <Result
      status="403"
      title="您不是本份文件的签署者"
      subTitle={message && message !== '您不是本份文件的签署者' ? message : undefined}
      data-testid="not-the-signer"
    >
      <Typography.Paragraph>
        <ol>
          <li>请核实当前签章链接是否复制有误（每条签章链接均只对应相应的需签章人，请勿群发签章链接）。</li>
          <li>请核实当前签章人登录的政务网账号是否有误（法人账号指单位账号，而非法定代表人个人账号）。</li>
          <li>请检查填报时填写的相应证件号是否有错填漏填或有多余空格，证件号有误的需先修改再提交签章。</li>
          <li>涉及多方签章的作品，需按签章列表的顺序依次签章，需当前签章人完成电子签章后才会生成下一位的签章链接。</li>
        </ol>
      </Typography.Paragraph>
    </Result>
  );
}
