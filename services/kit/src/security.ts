import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';
import { isCodecPath, temporalUiOrigin } from './codec-server';
import { type Config, config, isProductionMode } from './config';
import { ApiError } from './errors';

/**
 * Security headers for the portal and every API (helmet): a CSP that fits the built React / Ant
 * Design app (own scripts only; inline styles, which Ant Design's CSS-in-JS needs; images from
 * the object store's presigned links), no framing,
 * nosniff, a Referer that never leaves the origin (signing links carry tokens), and HSTS when
 * the portal is served over https.
 */
export function securityHeaders(c: Config = config()): RequestHandler {
  const https = new URL(c.PUBLIC_URL).protocol === 'https:';
  // Uploads are shown from their presigned links, straight from the object store.
  const objects = new URL(c.S3_ENDPOINT).origin;
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:', objects],
        mediaSrc: ["'self'", objects],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: https ? { maxAge: 365 * 24 * 3600, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
  });
}

/** API answers carry personal data: no browser or proxy keeps a copy. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOOPBACK_ORIGIN = /^https?:\/\/(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/i;

/** The origin a request says it comes from: Origin, else the Referer's origin; undefined when it names none. */
function requestOrigin(req: Request): string | undefined {
  const origin = req.get('origin');
  if (origin) return origin;
  const referer = req.get('referer');
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return 'null';
  }
}

/**
 * CSRF: a state-changing request (anything but GET, HEAD, OPTIONS) that names an origin (Origin,
 * or Referer when Origin is absent) other than the portal's (PUBLIC_URL), or loopback in
 * development, is refused 403. A request naming no origin at all passes: browsers always send
 * Origin on cross-origin POSTs, so it comes from a server, a test or curl, not a forged page.
 */
export function refuseCrossOrigin(c: Config = config()): RequestHandler {
  const allowed = new URL(c.PUBLIC_URL).origin;
  const development = !isProductionMode(c);
  // The Temporal Web UI posts to the codec server (codec-server.ts) from its own origin, and there only.
  const temporalUi = temporalUiOrigin(c);
  return (req: Request, res: Response, next: NextFunction) => {
    if (SAFE_METHODS.has(req.method)) return next();
    const origin = requestOrigin(req);
    if (origin === undefined || origin === allowed || (development && LOOPBACK_ORIGIN.test(origin))) return next();
    if (origin === temporalUi && isCodecPath(req.path)) return next();
    // Answered here, not through an error handler: the portal's proxy has none.
    const refused = new ApiError('FORBIDDEN', '请求来自其他网站，已拒绝。请在本平台页面内操作。', 'headers.origin');
    res.status(refused.status).json(refused.toBody());
  };
}
