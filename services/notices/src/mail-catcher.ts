import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { config, developmentOnly, logger } from '@copyreg/kit';
import express from 'express';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

/**
 * The development mail catcher: an SMTP server that accepts every message and keeps it in an
 * inbox the developer reads at MAIL_WEB_PORT and the tests read through its JSON API. It stands
 * in for the office's mail relay; production sets SMTP_HOST/SMTP_PORT to the real one.
 */
export interface CaughtMail {
  id: string;
  messageId: string;
  from: string;
  to: string[];
  subject: string;
  text: string;
  html?: string;
  date?: string;
  receivedAt: string;
  /** True when an earlier message had the same Message-ID (a re-send after a crash). */
  duplicate: boolean;
  attachments: { filename: string; contentType: string; size: number; content: Buffer }[];
}

const MAX_MESSAGES = 2000;

export interface MailCatcher {
  smtpPort: number;
  webUrl: string;
  messages(to?: string): CaughtMail[];
  clear(to?: string): void;
  close(): Promise<void>;
}

export async function startMailCatcher(opts: {
  smtpPort: number;
  webPort: number;
  host?: string;
}): Promise<MailCatcher> {
  const host = opts.host ?? '127.0.0.1';
  let inbox: CaughtMail[] = [];
  const addressed = (m: CaughtMail, to?: string) => !to || m.to.some((a) => a.toLowerCase() === to.toLowerCase());

  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    banner: 'copyreg mail catcher',
    size: 20 * 1024 * 1024,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((mail) => {
          const messageId = mail.messageId ?? `<${randomUUID()}@catcher>`;
          const to = session.envelope.rcptTo.map((r) => r.address);
          inbox.push({
            id: randomUUID(),
            messageId,
            from: mail.from?.text ?? '',
            to,
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            ...(typeof mail.html === 'string' ? { html: mail.html } : {}),
            ...(mail.date ? { date: mail.date.toISOString() } : {}),
            receivedAt: new Date().toISOString(),
            duplicate: inbox.some((m) => m.messageId === messageId),
            attachments: mail.attachments.map((a) => ({
              filename: a.filename ?? 'attachment',
              contentType: a.contentType,
              size: a.size,
              content: a.content,
            })),
          });
          if (inbox.length > MAX_MESSAGES) inbox = inbox.slice(-MAX_MESSAGES);
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    smtp.once('error', reject);
    smtp.listen(opts.smtpPort, host, () => resolve());
  });
  smtp.on('error', (err) => logger.warn({ err }, 'mail catcher smtp error'));
  const smtpPort = (smtp.server.address() as AddressInfo).port;

  const summary = ({ attachments, ...m }: CaughtMail) => ({
    ...m,
    attachments: attachments.map(({ content: _content, ...a }, index) => ({ ...a, index })),
  });
  const app = express();
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true, service: 'mail-catcher', smtpPort });
  });
  app.get('/api/messages', (req, res) => {
    const to = typeof req.query.to === 'string' ? req.query.to : undefined;
    res.json({ items: inbox.filter((m) => addressed(m, to)).map(summary) });
  });
  app.get('/api/messages/:id', (req, res) => {
    const m = inbox.find((x) => x.id === req.params.id);
    if (!m) res.status(404).json({ error: { code: 'NOT_FOUND', message: '邮件不存在' } });
    else res.json(summary(m));
  });
  app.get('/api/messages/:id/attachments/:index', (req, res) => {
    const a = inbox.find((x) => x.id === req.params.id)?.attachments[Number(req.params.index)];
    if (!a) res.status(404).json({ error: { code: 'NOT_FOUND', message: '附件不存在' } });
    else res.type(a.contentType).attachment(a.filename).send(a.content);
  });
  app.delete('/api/messages', (req, res) => {
    const to = typeof req.query.to === 'string' ? req.query.to : undefined;
    inbox = to ? inbox.filter((m) => !addressed(m, to)) : [];
    res.json({ ok: true });
  });
  app.get('/', (req, res) => {
    const to = typeof req.query.to === 'string' ? req.query.to : undefined;
    const rows = inbox
      .filter((m) => addressed(m, to))
      .reverse()
      .map(
        (m) =>
          `<details><summary><b>${esc(m.subject)}</b> → ${esc(m.to.join(', '))} <small>${esc(m.receivedAt)}${
            m.duplicate ? ' · 重复 Message-ID' : ''
          }</small></summary><pre>${esc(m.text)}</pre>${m.attachments
            .map((a, i) => `<a href="/api/messages/${m.id}/attachments/${i}">${esc(a.filename)}</a> `)
            .join('')}</details>`,
      )
      .join('\n');
    res.type('html').send(`<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>收件箱（开发用）</title>
<style>body{font-family:sans-serif;margin:2em}details{border-bottom:1px solid #ddd;padding:.5em 0}pre{white-space:pre-wrap}</style></head>
<body><h1>收件箱（开发用邮件捕获）</h1><p>SMTP 端口 ${smtpPort}，共 ${inbox.length} 封。
<form method="get" style="display:inline"><input name="to" placeholder="按收件人筛选" value="${esc(to ?? '')}"><button>筛选</button></form>
<button onclick="fetch('/api/messages',{method:'DELETE'}).then(()=>location.reload())">清空</button></p>${rows || '<p>暂无邮件</p>'}</body></html>`);
  });
  const web: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.webPort, host, () => resolve(s));
    s.once('error', reject);
  });
  const webUrl = `http://${host}:${(web.address() as AddressInfo).port}`;

  return {
    smtpPort,
    webUrl,
    messages: (to) => inbox.filter((m) => addressed(m, to)),
    clear: (to) => {
      inbox = to ? inbox.filter((m) => !addressed(m, to)) : [];
    },
    close: async () => {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
      await new Promise<void>((resolve) => web.close(() => resolve()));
    },
  };
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  developmentOnly('the mail catcher');
  const c = config();
  startMailCatcher({ smtpPort: c.SMTP_PORT, webPort: c.MAIL_WEB_PORT })
    .then((m) => logger.info({ smtpPort: m.smtpPort, web: m.webUrl }, 'mail catcher started'))
    .catch((err) => {
      logger.error({ err }, 'mail catcher failed');
      process.exit(1);
    });
}
