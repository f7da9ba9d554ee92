import type { Role, SessionUser } from '@copyreg/proto';
import type { Payload } from '@temporalio/common';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import {
  type AesGcmPayloadCodec,
  isEncrypted,
  KEY_ID_METADATA,
  PayloadDecryptionError,
  payloadCodec,
  payloadFromJson,
  payloadToJson,
} from './codec';
import { type Config, config } from './config';
import { ApiError } from './errors';
import type { Api } from './http';

/**
 * The codec server the Temporal Web UI is pointed at, so ops read decrypted payloads in the UI
 * (Temporal's codec server protocol: POST `<endpoint>/decode` and `<endpoint>/encode`, a JSON
 * body `{ payloads: [...] }` in proto3 JSON, bytes in base64, the same shape back).
 *
 * The UI calls it from the browser, from its own origin, with the browser's cookies when the UI
 * is set to "include cross-origin credentials": the caller is the logged-in user of the portal,
 * and only staff allowed to read workflow payloads are answered. Every answer is written to the
 * audit log by the service that serves it.
 */

const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/, '应为 Base64 编码的内容');
export const CodecPayload = z
  .object({ metadata: z.record(z.string().max(200), base64).optional(), data: base64.optional() })
  .meta({ id: 'CodecPayload' });
export const CodecPayloads = z
  .object({ payloads: z.array(CodecPayload).max(10_000) })
  .meta({ id: 'CodecPayloads', description: "Temporal's codec server body: payloads in proto3 JSON" });
export type CodecPayloads = z.infer<typeof CodecPayloads>;

/** What a decode or encode did, for the audit log: never the payloads themselves. */
export interface CodecAuditEntry {
  user: SessionUser;
  req: Request;
  action: 'codec.decode' | 'codec.encode';
  /** The Temporal namespace the UI names (X-Namespace). */
  namespace: string | null;
  payloads: number;
  /** How many were encrypted (decode) and under which key ids. */
  encrypted: number;
  keyIds: string[];
  /** Filing ids found in the decoded payloads (a registration's input and results carry one). */
  filingIds: string[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const text = (b: Uint8Array | null | undefined) => (b ? Buffer.from(b).toString('utf8') : '');

/** The filing a decoded JSON payload names (`filingId` at its top level), if any. */
function filingIdOf(p: Payload): string | undefined {
  if (text(p.metadata?.encoding) !== 'json/plain') return undefined;
  try {
    const value = JSON.parse(text(p.data)) as { filingId?: unknown };
    return typeof value?.filingId === 'string' && UUID.test(value.filingId) ? value.filingId : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Registers POST `<basePath>/codec/decode` and `/codec/encode` on a service's API, for the roles
 * given (ops staff), each answer recorded by `audit`. Mount `codecServerCors()` on the same app
 * (createApp's `extra`) so the UI's origin may call it.
 */
export function registerCodecRoutes(
  api: Api,
  opts: {
    access: readonly Role[];
    audit: (entry: CodecAuditEntry) => Promise<void>;
    codec?: () => AesGcmPayloadCodec;
  },
): void {
  const codec = opts.codec ?? (() => payloadCodec());
  const namespaceOf = (req: Request) => req.get('x-namespace')?.slice(0, 200) ?? null;

  api.route({
    method: 'post',
    path: '/codec/decode',
    summary: 'Temporal Web UI codec server: decrypt workflow payloads for ops (运维查看工作流数据，记入审计日志)',
    tags: ['ops'],
    access: opts.access,
    body: CodecPayloads,
    response: CodecPayloads,
    async handler({ body, user, req }) {
      const payloads = body.payloads.map(payloadFromJson);
      const decoded = payloads.map((p, i) => {
        try {
          return codec().decryptOne(p);
        } catch (err) {
          if (!(err instanceof PayloadDecryptionError)) throw err;
          throw new ApiError(
            'VALIDATION_FAILED',
            `第 ${i + 1} 项数据无法解密：加密密钥不在密钥环中，或内容已被改动`,
            `payloads.${i}`,
          );
        }
      });
      const encrypted = payloads.filter(isEncrypted);
      await opts.audit({
        user,
        req,
        action: 'codec.decode',
        namespace: namespaceOf(req),
        payloads: payloads.length,
        encrypted: encrypted.length,
        keyIds: [...new Set(encrypted.map((p) => text(p.metadata?.[KEY_ID_METADATA])))],
        filingIds: [...new Set(decoded.map(filingIdOf).filter((id): id is string => !!id))],
      });
      return { payloads: decoded.map(payloadToJson) };
    },
  });

  api.route({
    method: 'post',
    path: '/codec/encode',
    summary: 'Temporal Web UI codec server: encrypt payloads the UI sends (运维在界面中发起或发送信号时加密)',
    tags: ['ops'],
    access: opts.access,
    body: CodecPayloads,
    response: CodecPayloads,
    async handler({ body, user, req }) {
      const payloads = body.payloads.map(payloadFromJson);
      const encoded = payloads.map((p) => codec().encryptOne(p));
      await opts.audit({
        user,
        req,
        action: 'codec.encode',
        namespace: namespaceOf(req),
        payloads: payloads.length,
        encrypted: encoded.length,
        keyIds: [codec().keyId],
        filingIds: [...new Set(payloads.map(filingIdOf).filter((id): id is string => !!id))],
      });
      return { payloads: encoded.map(payloadToJson) };
    },
  });
}

/** Whether a path is one of the codec server's (the only routes the Temporal UI's origin may post to). */
export const isCodecPath = (path: string): boolean => /^\/api\/[a-z-]+\/codec\/(decode|encode)$/.test(path);

/** The Temporal Web UI's origin (TEMPORAL_UI_URL): the one origin the codec server answers across origins. */
export const temporalUiOrigin = (c: Config = config()): string => new URL(c.TEMPORAL_UI_URL).origin;

/**
 * CORS for the codec server, for the configured Temporal UI origin only, with credentials (the
 * portal's session cookie): a preflight is answered here; every other origin gets no CORS
 * headers, so a browser never hands it the answer.
 */
export function codecServerCors(c: Config = config()): RequestHandler {
  const allowed = temporalUiOrigin(c);
  return (req: Request, res: Response, next: NextFunction) => {
    if (!isCodecPath(req.path) || req.get('origin') !== allowed) return next();
    res.vary('Origin');
    res.set('Access-Control-Allow-Origin', allowed);
    res.set('Access-Control-Allow-Credentials', 'true');
    if (req.method !== 'OPTIONS') return next();
    res.set('Access-Control-Allow-Methods', 'POST');
    res.set('Access-Control-Allow-Headers', 'Content-Type, X-Namespace');
    res.set('Access-Control-Max-Age', '600');
    res.status(204).end();
  };
}
