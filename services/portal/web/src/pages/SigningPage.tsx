import { Alert, App, Button, Card, Result, Space, Spin, Steps, Typography } from 'antd';
import { type KeyboardEvent, type PointerEvent, useCallback, useEffect, useRef, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { ApiFailure, client, link, ok } from '../api';
import { failureText, useFailure } from '../forms';
import { useLang, useT } from '../i18n';
import { useLabels } from '../labels';
import { PageTitle } from '../layout/AppLayout';
import type { Placement, SigningSession } from '../proto';
import { useSession } from '../session';

/**
 * Where the mark is on the page: its top-left corner in CSS pixels from the image's top-left, and
 * the same in PDF points from the page's bottom-left (as the signature service takes placements).
 * The page is shown at `scale` CSS pixels per PDF point: 1 on a desktop, less on a phone so the
 * page fits the screen's width; the image is sized from the same scale, so this stays exact.
 */
const toPdf = (left: number, top: number, markHeight: number, pageHeight: number, scale: number) => ({
  x: left / scale,
  y: pageHeight - top / scale - markHeight,
});
const toCss = (x: number, y: number, markHeight: number, pageHeight: number, scale: number) => ({
  left: x * scale,
  top: (pageHeight - y - markHeight) * scale,
});
/** Points are kept to 0.01 pt: finer than any screen, and a tidy number in the form. */
const hundredths = (n: number) => Math.round(n * 100) / 100;
/** One arrow key press moves the mark this many points (with Shift, five times as far). */
const STEP = 2;

/** The width the page may take: its container's, measured, and followed when the window changes. */
function useWidth<T extends HTMLElement>(): [React.RefObject<T | null>, number | undefined] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState<number>();
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => setWidth(entry?.contentRect.width));
    observer.observe(el);
    return () => observer.disconnect();
  });
  return [ref, width];
}

/**
 * The signing page (签章链接 /sign/<token>): the signature page (第二页) of the form as the signature
 * service renders it. 开始签署 puts the signature (or seal) in the signer's own box (签章处); the
 * signer may move it within the signature area by dragging, with the arrow keys, or put it back
 * with 放到签章处; 确认 signs. A place outside the area is refused by the service, and its message
 * shown. Only the designated signer gets here; anyone else is told 您不是本份文件的签署者 with the
 * manual's hints. 查看表单 opens the whole PDF.
 */
export function SigningPage() {
  const { token } = useParams() as { token: string };
  const { has } = useSession();
  const [session, setSession] = useState<SigningSession>();
  const [refused, setRefused] = useState<ApiFailure>();
  const [placement, setPlacement] = useState<Placement>();
  /** The placement as the service last accepted it, to go back to when it refuses a move. */
  const saved = useRef<Placement>(undefined);
  const [problem, setProblem] = useState<string>();
  const [done, setDone] = useState<{ complete: boolean }>();
  const [busy, setBusy] = useState(false);
  /** The page image's width in its own pixels, once loaded; false if it failed to load. */
  const [imagePx, setImagePx] = useState<number | false>();
  const drag = useRef<{ x0: number; y0: number; left: number; top: number }>(undefined);
  const keyMove = useRef<ReturnType<typeof setTimeout>>(undefined);
  const focusMark = useRef(false);
  const markRef = useCallback((el: HTMLDivElement | null) => {
    if (el && focusMark.current) {
      focusMark.current = false;
      el.focus();
    }
  }, []);
  const [boxRef, boxWidth] = useWidth<HTMLDivElement>();
  const { message } = App.useApp();
  const fail = useFailure();
  const t = useT();
  const { lang } = useLang();
  const L = useLabels();

  const accepted = useCallback((p: Placement) => {
    saved.current = p;
    setPlacement(p);
    setProblem(undefined);
  }, []);

  const load = useCallback(async () => {
    try {
      const s = await ok(client.GET('/api/signature/links/{token}', { params: { path: { token } } }));
      setSession(s);
      if (s.placement && !s.placement.confirmed) accepted(s.placement);
      if (s.placement?.confirmed) setDone({ complete: false });
    } catch (err) {
      if (err instanceof ApiFailure && err.status !== 401) setRefused(err);
      else fail(err);
    }
  }, [token, fail, accepted]);
  useEffect(() => {
    void load();
  }, [load]);

  /** A refusal by the service: its message on the page (and as a toast), the mark back where it was. */
  const refusedBy = (err: unknown) => {
    if (err instanceof ApiFailure && err.status < 500) setProblem(failureText(err.message, err.code, lang));
    if (saved.current) setPlacement(saved.current);
    fail(err);
  };

  const start = async () => {
    setBusy(true);
    try {
      // 开始签署: without a position, the service puts the mark in this signer's own box.
      accepted(
        await ok(
          client.POST('/api/signature/links/{token}/placements', {
            params: { path: { token } },
            body: { page: session?.signaturePage },
          }),
        ),
      );
      // The keyboard user goes on from the mark itself (focused once it is drawn).
      focusMark.current = true;
    } catch (err) {
      refusedBy(err);
    } finally {
      setBusy(false);
    }
  };

  const move = async (p: Placement, to?: { x: number; y: number }) => {
    try {
      accepted(
        await ok(
          client.PUT('/api/signature/links/{token}/placements/{placementId}', {
            params: { path: { token, placementId: p.placementId } },
            body: { page: p.page, x: hundredths(to?.x ?? p.x), y: hundredths(to?.y ?? p.y) },
          }),
        ),
      );
    } catch (err) {
      refusedBy(err);
    }
  };

  const confirm = async () => {
    if (!placement) return;
    setBusy(true);
    try {
      const r = await ok(
        client.POST('/api/signature/links/{token}/placements/{placementId}/confirm', {
          params: { path: { token, placementId: placement.placementId } },
        }),
      );
      setDone({ complete: r.complete });
      message.success(t('签署完成'));
    } catch (err) {
      refusedBy(err);
    } finally {
      setBusy(false);
    }
  };

  if (refused) return <NotTheSigner message={refused.message} />;
  if (!session) return <Spin style={{ display: 'block', margin: 48 }} />;
  if (done) return <Signed filingId={session.filingId} applicant={has('applicant')} />;
  const { width: W, height: H } = session.pageSize;
  const { dpi } = session.pageImage;
  const scale = boxWidth ? Math.min(1, boxWidth / W) : 1;
  const mark = placement ?? undefined;
  // The image at 72/dpi points per pixel: its last, partly covered pixel may overhang the page box.
  const imageWidth = imagePx ? ((imagePx * 72) / dpi) * scale : W * scale;
  /** Kept wholly on the page (the service decides whether it is inside the signature area). */
  const clampCss = (left: number, top: number, m: Placement) => ({
    left: Math.min(Math.max(left, 0), (W - m.width) * scale),
    top: Math.min(Math.max(top, 0), (H - m.height) * scale),
  });

  const onDown = (e: PointerEvent<HTMLDivElement>) => {
    if (!mark) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const at = toCss(mark.x, mark.y, mark.height, H, scale);
    drag.current = { x0: e.clientX, y0: e.clientY, ...at };
  };
  const onMove = (e: PointerEvent<HTMLDivElement>) => {
    if (!drag.current || !mark) return;
    const { left, top } = clampCss(
      drag.current.left + e.clientX - drag.current.x0,
      drag.current.top + e.clientY - drag.current.y0,
      mark,
    );
    setPlacement({ ...mark, ...toPdf(left, top, mark.height, H, scale) });
  };
  const onUp = () => {
    if (!drag.current || !mark) return;
    drag.current = undefined;
    void move(mark);
  };
  /** Arrow keys move the mark; the move is saved once the keys rest for a moment. */
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!mark) return;
    const d = e.shiftKey ? STEP * 5 : STEP;
    const delta = { ArrowLeft: [-d, 0], ArrowRight: [d, 0], ArrowUp: [0, d], ArrowDown: [0, -d] }[e.key];
    if (!delta) return;
    e.preventDefault();
    const at = toCss(mark.x + (delta[0] as number), mark.y + (delta[1] as number), mark.height, H, scale);
    const { left, top } = clampCss(at.left, at.top, mark);
    const next = { ...mark, ...toPdf(left, top, mark.height, H, scale) };
    setPlacement(next);
    clearTimeout(keyMove.current);
    keyMove.current = setTimeout(() => void move(next), 400);
  };
  const suggested = toCss(session.suggested.x, session.suggested.y, session.markSize.height, H, scale);
  const inOwnBox =
    !!mark && Math.abs(mark.x - session.suggested.x) < 0.5 && Math.abs(mark.y - session.suggested.y) < 0.5;

  return (
    <>
      <PageTitle>
        {t('电子签章：{kind}（{name}）', {
          kind: L.signerKind[session.kind] ?? session.kindLabel,
          name: session.signerName,
        })}
      </PageTitle>
      <Steps
        size="small"
        style={{ marginBottom: 16, maxWidth: 720 }}
        current={placement ? 2 : 1}
        items={[{ title: t('查看表单') }, { title: t('开始签署') }, { title: t('核对位置并确认') }]}
      />
      <Alert
        type="info"
        showIcon
        style={{ marginBottom: 16 }}
        message={t('申请表内容确认无误后，请点击“开始签署”：您的签名或印章会放在本页您的签章处（虚线框）。')}
        description={t(
          '如需调整，可在签章区域内拖动签章，或选中签章后用方向键移动（按住 Shift 移动更快），“放到签章处”可放回原处。位置无误后点击“确认”完成签署；未经确认而直接关闭的签章操作无效，需重新签署。',
        )}
      />
      <Space wrap style={{ marginBottom: 12 }}>
        <Button href={session.formUrl} target="_blank" title={t('打开完整申请表（PDF）')} data-testid="whole-form">
          {t('查看表单')}
        </Button>
        <Button onClick={start} disabled={!!placement} loading={busy && !placement} data-testid="start-signing">
          {t('开始签署')}
        </Button>
        <Button
          onClick={() => mark && void move(mark, session.suggested)}
          disabled={!mark || inOwnBox}
          data-testid="to-own-box"
        >
          {t('放到签章处')}
        </Button>
        <Button
          type="primary"
          onClick={confirm}
          disabled={!placement}
          loading={busy && !!placement}
          data-testid="confirm-signing"
        >
          {t('确认')}
        </Button>
      </Space>
      {problem ? (
        <Alert
          type="error"
          showIcon
          role="alert"
          style={{ marginBottom: 12 }}
          message={problem}
          data-testid="signing-problem"
        />
      ) : null}
      <Card
        size="small"
        title={t('第{n}页（签章页）', { n: session.signaturePage + 1 })}
        styles={{ body: { padding: 8 } }}
      >
        {imagePx === false ? (
          <Alert
            type="error"
            showIcon
            style={{ marginBottom: 12 }}
            message={t('签章页图像加载失败')}
            description={t('请刷新页面重试；也可点击“查看表单”查看完整申请表。')}
          />
        ) : null}
        <div ref={boxRef} style={{ width: '100%', maxWidth: W }}>
          <div
            data-testid="sign-page"
            style={{
              position: 'relative',
              width: W * scale,
              height: H * scale,
              overflow: 'hidden',
              boxShadow: '0 0 0 1px #ddd',
              background: '#fff',
            }}
          >
            <img
              data-testid="sign-page-image"
              src={session.pageImage.url}
              alt={t('申请表第{n}页', { n: session.signaturePage + 1 })}
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
              {/* The signer's own box stays in sight, so a mark moved away can be put back. */}
              <div
                data-testid="own-box"
                aria-hidden
                style={{
                  position: 'absolute',
                  ...suggested,
                  width: session.markSize.width * scale,
                  height: session.markSize.height * scale,
                  border: '2px dashed #595959',
                  color: '#595959',
                  fontSize: 12,
                  display: 'flex',
                  alignItems: 'center',
                  justifyContent: 'center',
                  background: 'rgba(255,255,255,.6)',
                }}
              >
                {t('签章处')}
              </div>
              {mark ? (
                // biome-ignore lint/a11y/useSemanticElements: a draggable mark on the page, not a form control
                <div
                  ref={markRef}
                  data-testid="signature-mark"
                  role="button"
                  tabIndex={0}
                  aria-label={t('{mark}：{name}。用方向键移动，按住 Shift 移动更快', {
                    mark: session.mark === 'seal' ? t('印章') : t('签名'),
                    name: session.signerName,
                  })}
                  aria-describedby="mark-help"
                  onPointerDown={onDown}
                  onKeyDown={onKey}
                  style={{
                    position: 'absolute',
                    ...toCss(mark.x, mark.y, mark.height, H, scale),
                    width: mark.width * scale,
                    height: mark.height * scale,
                    border: '2px solid #c00',
                    borderRadius: session.mark === 'seal' ? '50%' : 4,
                    color: '#c00',
                    display: 'flex',
                    alignItems: 'center',
                    justifyContent: 'center',
                    cursor: 'move',
                    fontFamily: 'serif',
                    fontWeight: 600,
                    background: 'rgba(255,255,255,.85)',
                    userSelect: 'none',
                    textAlign: 'center',
                    fontSize: Math.max(10, 13 * scale),
                  }}
                >
                  {session.signerName}
                </div>
              ) : null}
            </div>
          </div>
        </div>
        <Typography.Paragraph type="secondary" id="mark-help" style={{ marginTop: 8, marginBottom: 0 }}>
          {t('签章只能放在本页的签章区域内；放到区域外时，确认会被拒绝并提示原因。')}
        </Typography.Paragraph>
      </Card>
    </>
  );
}

/** 签署完成, with the next steps: back to the works, the signed form. */
function Signed({ filingId, applicant }: { filingId: string; applicant: boolean }) {
  const navigate = useNavigate();
  const t = useT();
  const formUrl = link('/api/signature/filings/{filingId}/form', { filingId });
  // The signed form is the applicant's: offered when this user may fetch it.
  const [mayDownload, setMayDownload] = useState(false);
  useEffect(() => {
    let live = true;
    fetch(formUrl, { method: 'HEAD' })
      .then((r) => live && setMayDownload(r.ok))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [formUrl]);
  return (
    <Result
      status="success"
      title={<h1 style={{ fontSize: 24, margin: 0 }}>{t('签署完成')}</h1>}
      subTitle={t(
        '您的电子签章已确认。签章人是否完成签章以签章列表显示的状态为准；全部签章完成后，作品自动提交，申请人即可缴费。',
      )}
      data-testid="signed"
      extra={[
        <Button
          key="works"
          type="primary"
          onClick={() => navigate(applicant ? '/works/all' : '/')}
          data-testid="back-to-works"
        >
          {applicant ? t('返回我的作品') : t('返回首页')}
        </Button>,
        mayDownload ? (
          <Button key="form" href={formUrl} download data-testid="download-signed">
            {t('下载已签署的申请表')}
          </Button>
        ) : null,
      ]}
    />
  );
}

/** 您不是本份文件的签署者, with the manual's 电子签章常见问题 hints. */
export function NotTheSigner({ message }: { message?: string }) {
  const t = useT();
  const { lang } = useLang();
  return (
    <Result
      status="403"
      title={t('您不是本份文件的签署者')}
      subTitle={
        message && message !== '您不是本份文件的签署者' ? failureText(message, 'NOT_CURRENT_SIGNER', lang) : undefined
      }
      data-testid="not-the-signer"
    >
      <Typography.Paragraph>
        <ol>
          <li>{t('请核实当前签章链接是否复制有误（每条签章链接均只对应相应的需签章人，请勿群发签章链接）。')}</li>
          <li>{t('请核实当前签章人登录的政务网账号是否有误（法人账号指单位账号，而非法定代表人个人账号）。')}</li>
          <li>{t('请检查填报时填写的相应证件号是否有错填漏填或有多余空格，证件号有误的需先修改再提交签章。')}</li>
          <li>
            {t('涉及多方签章的作品，需按签章列表的顺序依次签章，需当前签章人完成电子签章后才会生成下一位的签章链接。')}
          </li>
        </ol>
      </Typography.Paragraph>
    </Result>
  );
}
