import { randomUUID } from 'node:crypto';
import { upsertLogin } from '@copyreg/identity';
import { sessionCookie } from '@copyreg/kit/testing';
import { residentIdCheckChar, type SessionUser } from '@copyreg/proto';
import type { Knex } from 'knex';
import type { Latencies } from './stats';

/**
 * One registration end to end through the real HTTP APIs, as the portal drives them: filing,
 * each signer signing through their link, online payment at the development gateway, initial
 * and final review, the certificate. Each call is timed under its route; the time from a
 * decision (a signature, a review) to its visibility in the filing read model is timed too.
 */
export interface FlowUrls {
  identity: string;
  filing: string;
  signature: string;
  payment: string;
  certificate: string;
  gateway: string;
}

export interface Party {
  userId: string;
  cookie: string;
}

/** A resident ID with a valid check character, different for each n. */
export const residentId = (n: number) => {
  const first17 = `330106${1960 + (n % 40)}0101${String(n % 1000).padStart(3, '0')}`;
  return first17 + residentIdCheckChar(first17);
};

/** A 1×1 PNG: the smallest upload the services' type sniffing accepts. */
export const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

/** A complete photograph filed by joint holders who are its authors (the bench's and the fuzzer's work). */
export function filingContent(
  sample: Record<string, unknown>,
  holders: { name: string; idNumber: string }[],
  i: number,
): Record<string, unknown> {
  return {
    title: `西湖晨雾 第${i}号`,
    workType: 'photography',
    creationNature: 'original',
    completedOn: '2026-03-05',
    published: false,
    ownershipMode: 'joint',
    acquisitionMode: 'original',
    rightsScope: 'all',
    rights: [],
    description: '摄影作品，拍摄对象为清晨西湖断桥与薄雾，光圈 f/8，快门 1/250 秒，ISO 200，焦距 35 毫米。',
    creationProcess: '作者于 2026 年 3 月清晨在西湖边合作拍摄完成，意在表现江南早春的宁静。',
    samples: [sample],
    attachments: [],
    holders: holders.map((h) => ({
      holderType: 'individual',
      name: h.name,
      idType: 'resident_id',
      idNumber: h.idNumber,
      region: '330106',
    })),
    authors: holders.map((h) => ({ name: h.name })),
    invoiceEmail: `applicant${i}@example.com`,
    certificateDelivery: 'mail',
  };
}

export class FlowError extends Error {
  constructor(
    readonly step: string,
    message: string,
  ) {
    super(`${step}: ${message}`);
  }
}

/** A party the identity service knows (as after a login through the identity provider). */
export async function party(
  db: Knex,
  who: { name: string; idNumber?: string; roles?: SessionUser['roles']; region?: string },
): Promise<Party> {
  const user: SessionUser = await upsertLogin(db, {
    userId: randomUUID(),
    issuer: 'bench',
    subject: randomUUID(),
    name: who.name,
    ...(who.idNumber ? { idType: 'resident_id', idNumber: who.idNumber } : {}),
  });
  const roles = who.roles ?? user.roles;
  return {
    userId: user.userId,
    cookie: await sessionCookie({ ...user, roles, ...(who.region ? { region: who.region } : {}) }),
  };
}

export class Flow {
  constructor(
    readonly urls: FlowUrls,
    readonly latencies: Latencies,
    /** How long to wait for the workflow to reach a state (ms). */
    readonly patienceMs = 120_000,
  ) {}

  /**
   * When set (the fault tests), a call that fails for want of a server — no answer, or a 5xx
   * while a server restarts — is tried again until the patience runs out, as the portal does:
   * with the same Idempotency-Key, so a command whose answer was lost gets its first outcome.
   */
  retryTransient = false;

  async call<T = Record<string, unknown>>(
    name: string,
    who: Party | undefined,
    method: string,
    url: string,
    body?: unknown,
    expect: number[] = [200, 201],
  ): Promise<T> {
    const deadline = Date.now() + this.patienceMs;
    // One key per command, as the portal makes one per user action; every retry sends it again.
    const idempotencyKey = method === 'GET' ? undefined : randomUUID();
    for (;;) {
      let res: Response | undefined;
      let failure: string;
      try {
        res = await this.latencies.time(name, () =>
          fetch(url, {
            method,
            headers: {
              accept: 'application/json',
              ...(who ? { cookie: who.cookie } : {}),
              ...(idempotencyKey ? { 'idempotency-key': idempotencyKey } : {}),
              ...(body !== undefined && !(body instanceof FormData) ? { 'content-type': 'application/json' } : {}),
            },
            ...(body !== undefined ? { body: body instanceof FormData ? body : JSON.stringify(body) } : {}),
            signal: AbortSignal.timeout(60_000),
          }),
        );
        const text = await res.text();
        if (expect.includes(res.status))
          return (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : {}) as T;
        failure = `${res.status} ${text.slice(0, 300)}`;
      } catch (err) {
        failure = (err as Error).message;
      }
      const transient = !res || res.status >= 500;
      if (!this.retryTransient || !transient || Date.now() > deadline) throw new FlowError(name, failure);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }

  private upload(name: string, who: Party, url: string) {
    const form = new FormData();
    form.append('file', new Blob([PNG], { type: 'image/png' }), '作品样本.png');
    return this.call<Record<string, unknown>>(name, who, 'POST', url, form);
  }

  /** Polls until `check` returns a value; the wait is recorded under `name`. */
  async until<T>(name: string, check: () => Promise<T | undefined>): Promise<T> {
    const start = performance.now();
    const deadline = Date.now() + this.patienceMs;
    let last = '';
    for (let delay = 20; Date.now() < deadline; delay = Math.min(delay * 1.5, 500)) {
      const v = await check().catch((err: Error) => {
        last = err.message;
        return undefined;
      });
      if (v !== undefined) {
        this.latencies.record(name, performance.now() - start);
        return v;
      }
      await new Promise((r) => setTimeout(r, delay));
    }
    throw new FlowError(name, `not reached within ${this.patienceMs / 1000} s${last ? ` (last: ${last})` : ''}`);
  }

  /** 资料完善 through the identity API: the profile, and an identity proof. */
  async completeProfile(applicant: Party, n: number) {
    const u = this.urls.identity;
    await this.call('PUT /api/identity/profile', applicant, 'PUT', `${u}/api/identity/profile`, {
      category: 'individual',
      name: '张三',
      idType: 'resident_id',
      idNumber: residentId(n),
      handler: '张三',
      handlerMobile: '13800000000',
      region: '330106',
      invoiceEmail: `applicant${n}@example.com`,
      recipient: '张三',
      recipientMobile: '13800000000',
      mailingAddress: '浙江省杭州市西湖区文三路1号',
    });
    await this.upload('POST /api/identity/proofs', applicant, `${u}/api/identity/proofs`);
  }

  async status(applicant: Party, filingId: string): Promise<{ status: string; registrationNumber?: string }> {
    return this.call(
      'GET /api/filing/filings/:id',
      applicant,
      'GET',
      `${this.urls.filing}/api/filing/filings/${filingId}`,
    );
  }

  /** A filing of two joint holders, submitted (提交并电子签章): returns its id. */
  async file(applicant: Party, holders: { name: string; idNumber: string }[], i: number): Promise<string> {
    const f = `${this.urls.filing}/api/filing`;
    const sample = await this.upload('POST /api/filing/uploads/sample', applicant, `${f}/uploads/sample`);
    const draft = await this.call<{ filingId: string }>('POST /api/filing/filings', applicant, 'POST', `${f}/filings`, {
      content: filingContent(sample, holders, i),
    });
    await this.call(
      'POST /api/filing/filings/:id/submission',
      applicant,
      'POST',
      `${f}/filings/${draft.filingId}/submission`,
    );
    return draft.filingId;
  }

  /** Each signer in order: open the link the signing list shows, place, confirm. */
  async sign(applicant: Party, signers: Party[], filingId: string) {
    const s = `${this.urls.signature}/api/signature`;
    for (const [k, signer] of signers.entries()) {
      const link = await this.until(`wait: signer ${k + 1}'s link`, async () => {
        const list = await this.call<{ items: { seq: number; state: string; signingLink?: string }[] }>(
          'GET /api/signature/filings/:id/signing-list',
          applicant,
          'GET',
          `${s}/filings/${filingId}/signing-list`,
        );
        return list.items.find((it) => it.seq === k + 1 && it.state === 'current')?.signingLink;
      });
      const token = /([A-Za-z0-9_-]{32,64})\/?(?:[?#].*)?$/.exec(link)?.[1];
      if (!token) throw new FlowError('signing link', `no token in ${link}`);
      await this.call('GET /api/signature/links/:token', signer, 'GET', `${s}/links/${token}`);
      // 409 INVALID_STATE while the form is still being generated (申请表正在生成): the signer tries again.
      await this.until(`wait: signer ${k + 1} can sign`, async () => {
        try {
          const placement = await this.call<{ placementId: string }>(
            'POST /api/signature/links/:token/placements',
            signer,
            'POST',
            `${s}/links/${token}/placements`,
            {},
          );
          await this.call(
            'POST /api/signature/links/:token/placements/:id/confirm',
            signer,
            'POST',
            `${s}/links/${token}/placements/${placement.placementId}/confirm`,
          );
          return true;
        } catch (err) {
          if (err instanceof FlowError && /^.*: 409 .*INVALID_STATE/.test(err.message)) return undefined;
          throw err;
        }
      });
      // The decision's visibility: the signing list shows the signer as 已签章.
      await this.until('visible: signature in the signing list', async () => {
        const list = await this.call<{ items: { seq: number; state: string }[] }>(
          'GET /api/signature/filings/:id/signing-list',
          applicant,
          'GET',
          `${s}/filings/${filingId}/signing-list`,
        );
        return list.items.find((it) => it.seq === k + 1)?.state === 'signed' ? true : undefined;
      });
    }
  }

  async waitStatus(applicant: Party, filingId: string, statuses: string[], name: string) {
    return this.until(name, async () => {
      const v = await this.status(applicant, filingId);
      return statuses.includes(v.status) ? v : undefined;
    });
  }

  /** Online payment: the method chosen once, then paid at the development gateway. */
  async pay(applicant: Party, filingId: string) {
    const p = `${this.urls.payment}/api/payment`;
    const order = await this.call<{ online?: { outTradeNo: string } }>(
      'POST /api/payment/orders/:id/method',
      applicant,
      'POST',
      `${p}/orders/${filingId}/method`,
      { method: 'online' },
    );
    const outTradeNo = order.online?.outTradeNo;
    if (!outTradeNo) throw new FlowError('payment', 'the order has no online trade');
    await this.call('POST gateway /pay/:outTradeNo', undefined, 'POST', `${this.urls.gateway}/pay/${outTradeNo}`);
  }

  async review(reviewer: Party, applicant: Party, filingId: string, stage: 'initial' | 'final', next: string[]) {
    await this.call(
      `POST /api/filing/filings/:id/reviews/${stage}`,
      reviewer,
      'POST',
      `${this.urls.filing}/api/filing/filings/${filingId}/reviews/${stage}`,
      { decision: 'approve', reasons: [] },
    );
    await this.waitStatus(applicant, filingId, next, `visible: ${stage} review decision`);
  }

  async certificate(applicant: Party, filingId: string) {
    return this.until('wait: certificate issued', async () => {
      const res = await fetch(`${this.urls.certificate}/api/certificate/certificates/${filingId}`, {
        headers: { cookie: applicant.cookie },
      });
      return res.ok ? ((await res.json()) as Record<string, unknown>) : undefined;
    });
  }

  /** The whole registration; returns its filing id. */
  async register(
    parties: {
      applicant: Party;
      signers: Party[];
      holders: { name: string; idNumber: string }[];
      initial: Party;
      final: Party;
    },
    i: number,
  ): Promise<string> {
    const { applicant } = parties;
    const filingId = await this.file(applicant, parties.holders, i);
    await this.sign(applicant, parties.signers, filingId);
    // 提交: after the last signature the applicant submits (the portal does it when the list is open).
    await this.waitStatus(applicant, filingId, ['awaiting_submission', 'awaiting_payment'], 'wait: all signed');
    await this.call(
      'POST /api/filing/filings/:id/submit',
      applicant,
      'POST',
      `${this.urls.filing}/api/filing/filings/${filingId}/submit`,
    );
    await this.waitStatus(applicant, filingId, ['awaiting_payment'], 'wait: awaiting payment');
    await this.pay(applicant, filingId);
    await this.waitStatus(applicant, filingId, ['initial_review'], 'wait: payment confirmed → initial review');
    await this.review(parties.initial, applicant, filingId, 'initial', ['final_review']);
    await this.review(parties.final, applicant, filingId, 'final', ['certified', 'delivered']);
    await this.certificate(applicant, filingId);
    return filingId;
  }
}
