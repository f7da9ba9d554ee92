import { randomUUID } from 'node:crypto';
import { createActivities } from '@copyreg/activities';
import { createDocumentActivities } from '@copyreg/activities/documents-worker';
import { quietTiming, withTransitions } from '@copyreg/activities/stand-ins';
import { installRuntime, workflowBundle } from '@copyreg/activities/worker';
import { signatureSlots } from '@copyreg/certificate';
import { saveSnapshot } from '@copyreg/filing';
import { upsertLogin } from '@copyreg/identity';
import {
  config,
  createDb,
  createObjectStore,
  ensureBucket,
  getObject,
  temporalClient,
  temporalDataConverter,
} from '@copyreg/kit';
import { serve, sessionCookie } from '@copyreg/kit/testing';
import {
  amendUpdate,
  type ErrorBody,
  type FilingSnapshot,
  Placement,
  type RegistrationInput,
  registrationWorkflowId,
  SigningList,
  SigningSession,
  stateQuery,
} from '@copyreg/proto';
import { applySignature, createSignatureApp, openSigningRound, signerTurnOf } from '@copyreg/signature';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertSoundPdf, pdfsig, tempPdf } from '../../../../services/certificate/test/pdf-tools';
import { sampleSnapshot } from '../../../../services/certificate/test/sample-snapshot';
import { PAGE_IMAGE_DPI } from '../../../../services/signature/src/pages';
import { pngSize, redInk } from './marks';

/**
 * The signing flow end to end: the real registration workflow on the Temporal dev server, the
 * real signature and documents activities on Postgres and MinIO, the signature service's HTTP
 * API. Only the activities of other services (read model, notices) are no-ops here.
 */
describe('电子签章: ordered signing through links', () => {
  const db = createDb();
  const store = createObjectStore();
  const bucket = config().S3_BUCKET;
  const filingId = randomUUID();
  const applicantId = randomUUID();
  const base = sampleSnapshot({ filingId, applicantId });
  // Two signers: a person, then an organisation (which signs with its organisation account).
  const snapshot: FilingSnapshot = { ...base, signers: base.signers.slice(0, 2) };
  const [person, company] = snapshot.signers as [FilingSnapshot['signers'][0], FilingSnapshot['signers'][0]];
  const taskQueue = `signing-test-${filingId}`;
  let api: Awaited<ReturnType<typeof serve>>;
  let stop: () => Promise<void>;
  const cookies: Record<string, string> = {};
  // While set, the documents worker holds a signature it has applied before handing it back to the
  // workflow: the moment in which the slot says 已签章 but the registration has not taken it yet.
  let holdSignature: Promise<void> | undefined;
  // While set, the documents worker waits before applying a confirmed signature (签章处理中).
  let holdApply: Promise<void> | undefined;

  const login = async (key: string, idType: string, idNumber: string, name: string) => {
    const user = await upsertLogin(db, {
      userId: randomUUID(),
      issuer: 'test',
      subject: randomUUID(),
      name,
      idType,
      idNumber,
    });
    cookies[key] = await sessionCookie(user);
  };

  beforeAll(async () => {
    await ensureBucket(store, bucket);
    await saveSnapshot(db, snapshot);
    cookies.applicant = await sessionCookie({ userId: applicantId, roles: ['applicant'] });
    await login('person', person.idType, person.idNumber, person.name);
    await login('company', company.idType, company.idNumber, company.name);
    // The company's legal representative logging in with a personal account.
    await login('representative', 'resident_id', '330106197001010012', '法定代表人');
    await login('stranger', 'resident_id', '110105194912310029', '路人');

    installRuntime();
    const connection = await NativeConnection.connect({ address: config().TEMPORAL_ADDRESS });
    const deps = { db, store, bucket };
    const others = {
      recordStatus: async () => {},
      sendNotice: async () => {},
    };
    const registration = await Worker.create({
      connection,
      namespace: config().TEMPORAL_NAMESPACE,
      dataConverter: temporalDataConverter(),
      taskQueue,
      workflowBundle: await workflowBundle(),
      activities: withTransitions({ ...createActivities(deps), ...others }),
    });
    const documents = await Worker.create({
      connection,
      namespace: config().TEMPORAL_NAMESPACE,
      dataConverter: temporalDataConverter(),
      taskQueue: `${taskQueue}-documents`,
      // The document steps and the transitions they lead to, made of the activities above.
      activities: withTransitions({
        ...createActivities(deps),
        ...others,
        ...createDocumentActivities(deps),
        applySignature: async (input: Parameters<typeof applySignature>[1]) => {
          await holdApply;
          const ref = await applySignature(deps, input);
          await holdSignature;
          return ref;
        },
      }),
    });
    const running = Promise.all([registration.run(), documents.run()]);
    stop = async () => {
      registration.shutdown();
      documents.shutdown();
      await running;
      await connection.close();
    };
    api = await serve(createSignatureApp({ db, store }));

    const input: RegistrationInput = {
      filingId,
      versionNo: 1,
      applicantId,
      region: '330106',
      workType: 'fine_art',
      signers: snapshot.signers.map(({ signerId, kind }) => ({ signerId, kind })),
      timing: quietTiming,
      documentsTaskQueue: `${taskQueue}-documents`,
    };
    const client = await temporalClient();
    await client.workflow.start('registrationWorkflow', {
      workflowId: registrationWorkflowId(filingId),
      taskQueue,
      args: [input],
    });
    await until(async () => (await list()).items[0]?.state === 'current');
  });

  afterAll(async () => {
    const client = await temporalClient();
    await client.workflow
      .getHandle(registrationWorkflowId(filingId))
      .terminate('test over')
      .catch(() => {});
    await stop?.();
    await api?.close();
    await db.destroy();
  });

  const call = (method: string, path: string, cookie?: string, body?: unknown) =>
    fetch(`${api.url}/api/signature${path}`, {
      method,
      headers: { ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
  const list = async () =>
    SigningList.parse(await (await call('GET', `/filings/${filingId}/signing-list`, cookies.applicant)).json());
  const tokenOf = async (index: number, round = 1) =>
    (await db('signature.slots').where({ filing_id: filingId, round, signer_index: index }).first('token'))
      .token as string;
  const placements = async () =>
    Number((await db('signature.placements').where({ filing_id: filingId }).count({ n: '*' }))[0]?.n);
  async function until(pred: () => Promise<boolean>, ms = 30_000) {
    const started = Date.now();
    while (!(await pred().catch(() => false))) {
      if (Date.now() - started > ms) throw new Error('timed out');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const errorOf = async (res: Response) => ((await res.json()) as ErrorBody).error;

  it('shows the applicant the signing list in order, with a link for the current signer only', async () => {
    const l = await list();
    expect(l.items.map((i) => [i.seq, i.name, i.kindLabel, i.stateLabel])).toEqual([
      [1, person.name, '著作权人签章', '待签章'],
      [2, company.name, '著作权人签章', '准备签章'],
    ]);
    expect(l.items[0]?.signingLink).toMatch(/\/sign\/[A-Za-z0-9_-]{43}$/);
    // What the notices get: the current signer's link, none for the next one yet.
    expect(await signerTurnOf(db, { filingId, round: 1, signerIndex: 0 })).toEqual({
      seq: 1,
      name: person.name,
      kind: 'holder',
      link: l.items[0]?.signingLink,
    });
    expect((await signerTurnOf(db, { filingId, round: 1, signerIndex: 1 }))?.link).toBeUndefined();
    expect(l.items[1]?.signingLink).toBeUndefined();
    const form = await call('GET', `/filings/${filingId}/form`, cookies.applicant);
    expect(form.headers.get('content-type')).toContain('application/pdf');
    expect((await call('GET', `/filings/${filingId}/signing-list`, cookies.stranger)).status).toBe(404);
  });

  it('refuses anyone but the signer, with the manual’s hints, and writes nothing', async () => {
    const token = await tokenOf(0);
    for (const who of ['representative', 'stranger', 'company', 'applicant']) {
      const res = await call('GET', `/links/${token}`, cookies[who]);
      expect(res.status).toBe(403);
      const error = await errorOf(res);
      expect(error).toMatchObject({ code: 'NOT_CURRENT_SIGNER', message: '您不是本份文件的签署者' });
      expect(error.issues).toHaveLength(3);
      const place = await call('POST', `/links/${token}/placements`, cookies[who], {});
      expect(place.status).toBe(403);
    }
    expect((await call('GET', `/links/${token}`)).status).toBe(401);
    expect((await call('GET', `/links/${'x'.repeat(43)}`, cookies.person)).status).toBe(404);
    expect(await placements()).toBe(0);
  });

  it('refuses the next signer before their turn', async () => {
    const res = await call('GET', `/links/${await tokenOf(1)}`, cookies.company);
    expect(res.status).toBe(409);
    expect((await errorOf(res)).code).toBe('INVALID_STATE');
    expect((await call('GET', `/links/${await tokenOf(1)}/pages/2.png`, cookies.company)).status).toBe(409);
    expect(await placements()).toBe(0);
  });

  it('shows the signer a page as a PNG of the page’s size at the DPI, rendered once; nobody else, no other page', async () => {
    const token = await tokenOf(0);
    const session = SigningSession.parse(await (await call('GET', `/links/${token}`, cookies.person)).json());
    expect(session.pageImage).toEqual({ url: `/api/signature/links/${token}/pages/2.png`, dpi: PAGE_IMAGE_DPI });
    expect(session.pageSize.width).toBeCloseTo(595.28, 2); // A4, as the form has it
    expect(session.pageSize.height).toBeCloseTo(841.89, 2);
    const load = async () => {
      const res = await fetch(`${api.url}${session.pageImage.url}`, { headers: { cookie: cookies.person as string } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/png');
      return Buffer.from(await res.arrayBuffer());
    };
    const png = await load();
    // pdftoppm maps a point to dpi/72 pixels and rounds the page up to whole pixels.
    expect(pngSize(png)).toEqual({
      width: Math.ceil((session.pageSize.width * PAGE_IMAGE_DPI) / 72),
      height: Math.ceil((session.pageSize.height * PAGE_IMAGE_DPI) / 72),
    });
    // Kept under the form's digest: the next load reads it back instead of rendering again.
    const round = await db('signature.rounds').where({ filing_id: filingId, round: 1 }).first();
    const cached = `signatures/page-images/${round.current_sha256}/page-2-${PAGE_IMAGE_DPI}dpi.png`;
    expect(Buffer.compare(await getObject(store, { bucket, key: cached }), png)).toBe(0);
    const marker = Buffer.concat([png.subarray(0, 24), Buffer.from('cached')]);
    await store.putObject(bucket, cached, marker);
    expect(Buffer.compare(await load(), marker)).toBe(0);
    await store.removeObject(bucket, cached);
    expect(Buffer.compare(await load(), png)).toBe(0);

    for (const who of ['stranger', 'company', 'representative']) {
      const refused = await call('GET', `/links/${token}/pages/2.png`, cookies[who]);
      expect(refused.status).toBe(403);
      expect(await errorOf(refused)).toMatchObject({ code: 'NOT_CURRENT_SIGNER', message: '您不是本份文件的签署者' });
    }
    expect((await call('GET', `/links/${token}/pages/2.png`)).status).toBe(401);
    for (const n of [0, 4, 120]) {
      const missing = await call('GET', `/links/${token}/pages/${n}.png`, cookies.person);
      expect(missing.status).toBe(404);
      expect(await errorOf(missing)).toMatchObject({ code: 'NOT_FOUND', message: `申请表没有第${n}页（共3页）` });
    }
    expect((await call('GET', `/links/${token}/pages/two.png`, cookies.person)).status).toBe(400);
  });

  it('places a mark sent without a position in the signer’s own box, and refuses one outside the signature area', async () => {
    const token = await tokenOf(0);
    const session = SigningSession.parse(await (await call('GET', `/links/${token}`, cookies.person)).json());
    const placed = Placement.parse(
      await (await call('POST', `/links/${token}/placements`, cookies.person, { page: 1 })).json(),
    );
    expect(placed).toMatchObject({ page: 1, x: session.suggested.x, y: session.suggested.y, confirmed: false });
    // Wholly inside the first signer's box (签章处) as the form draws it.
    const box = signatureSlots(2)[0]?.box as { x: number; y: number; width: number; height: number };
    expect(placed.x).toBeGreaterThanOrEqual(box.x);
    expect(placed.y).toBeGreaterThanOrEqual(box.y);
    expect(placed.x + placed.width).toBeLessThanOrEqual(box.x + box.width);
    expect(placed.y + placed.height).toBeLessThanOrEqual(box.y + box.height);

    const outside = { code: 'VALIDATION_FAILED', message: '签章位置不在签章区域内，请将签章拖到您的签章处' };
    // Where 开始签署 used to put it: the page's top-left corner, over the declaration.
    const topLeft = { x: 36, y: session.pageSize.height - 36 - session.markSize.height };
    const refused = [
      [await call('POST', `/links/${token}/placements`, cookies.person, topLeft), 'x'],
      [
        await call('PUT', `/links/${token}/placements/${placed.placementId}`, cookies.person, { x: placed.x, y: 700 }),
        'y',
      ],
      [await call('POST', `/links/${token}/placements`, cookies.person, { ...session.suggested, page: 0 }), 'page'],
      [await call('POST', `/links/${token}/placements`, cookies.person, { page: 2 }), 'page'],
    ] as const;
    for (const [res, field] of refused) {
      expect(res.status).toBe(400);
      expect(await errorOf(res)).toMatchObject({ ...outside, field });
    }
    // Nothing was replaced or moved.
    const rows = await db('signature.placements').where({ filing_id: filingId });
    expect(rows.map((r) => [r.placement_id, r.x, r.y])).toEqual([[placed.placementId, placed.x, placed.y]]);

    // A placement kept from before the area was enforced cannot be confirmed either.
    await db('signature.placements').where({ placement_id: placed.placementId }).update(topLeft);
    const confirm = await call('POST', `/links/${token}/placements/${placed.placementId}/confirm`, cookies.person);
    expect(confirm.status).toBe(400);
    expect(await errorOf(confirm)).toMatchObject({ ...outside, field: 'x' });
    expect(await db('signature.placements').where({ placement_id: placed.placementId }).first()).toMatchObject({
      confirmed_at: null,
    });
    expect((await list()).items[0]?.stateLabel).toBe('待签章');
  });

  it('signs in two steps: 开始签署 places (and moves) the signature, 确认 signs; unconfirmed does not count', async () => {
    const token = await tokenOf(0);
    const session = SigningSession.parse(await (await call('GET', `/links/${token}`, cookies.person)).json());
    expect(session).toMatchObject({
      seq: 1,
      signerName: person.name,
      mark: 'signature',
      signaturePage: 1,
      pageCount: 3,
    });
    const pdf = await call('GET', `/links/${token}/form`, cookies.person);
    expect(pdf.status).toBe(200);
    expect(await redInk(Buffer.from(await pdf.arrayBuffer()), 2)).toBeUndefined(); // no signature yet

    // Confirming something never placed is refused.
    const unplaced = await call('POST', `/links/${token}/placements/${randomUUID()}/confirm`, cookies.person);
    expect((await errorOf(unplaced)).code).toBe('SIGNATURE_NOT_PLACED');

    const placed = Placement.parse(await (await call('POST', `/links/${token}/placements`, cookies.person, {})).json());
    expect(placed).toMatchObject({ ...session.suggested, confirmed: false }); // the signer's box
    const tooFar = await call('PUT', `/links/${token}/placements/${placed.placementId}`, cookies.person, {
      x: 590,
      y: 10,
    });
    expect(tooFar.status).toBe(400);
    // Moved within the box (to whole points, which the stored coordinates keep exactly): the mark
    // is signed where it was dropped.
    const to = { x: Math.round(session.suggested.x) - 30, y: Math.round(session.suggested.y) + 20 };
    const moved = Placement.parse(
      await (await call('PUT', `/links/${token}/placements/${placed.placementId}`, cookies.person, to)).json(),
    );
    expect(moved).toMatchObject(to);

    // Closing without 确认: still 待签章, the workflow has not moved.
    expect((await list()).items[0]?.stateLabel).toBe('待签章');

    // 确认 is answered before the PDF signature is applied (held here): the list says 签章处理中
    // and hands out no link until the signature is in.
    let release = () => {};
    holdApply = new Promise<void>((r) => {
      release = r;
    });
    try {
      const confirmed = await call('POST', `/links/${token}/placements/${placed.placementId}/confirm`, cookies.person);
      expect(confirmed.status).toBe(200);
      expect(await confirmed.json()).toEqual({ signed: true, seq: 1, complete: false });
      // Its answer lost, the confirmation is sent again: the first outcome again, signed once.
      const again = await call('POST', `/links/${token}/placements/${placed.placementId}/confirm`, cookies.person);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ signed: true, seq: 1, complete: false });
      const applying = await list();
      expect(applying.items.map((i) => i.stateLabel)).toEqual(['签章处理中', '准备签章']);
      expect(applying.items.map((i) => i.signingLink)).toEqual([undefined, undefined]);
    } finally {
      release();
      holdApply = undefined;
    }
    expect(await db('signature.placements').where({ filing_id: filingId }).whereNotNull('confirmed_at')).toHaveLength(
      1,
    );
    await until(async () => (await list()).items[1]?.state === 'current');
    const l = await list();
    expect(l.items.map((i) => i.stateLabel)).toEqual(['已签章', '待签章']);
    expect(l.items[0]?.signingLink).toBeUndefined();
    expect(l.items[1]?.signingLink).toBeDefined();
    // The first signer's link no longer works.
    expect((await call('GET', `/links/${token}`, cookies.person)).status).toBe(409);

    // The signature shows where it was placed: its red frame (inset 2 pt, 1.5 pt wide) on page 2.
    const round = await db('signature.rounds').where({ filing_id: filingId, round: 1 }).first();
    const signed = await getObject(store, { bucket: round.current_bucket, key: round.current_key });
    await assertSoundPdf(signed);
    const ink = await redInk(signed, 2);
    expect(ink).toBeDefined();
    const near = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThan(2.5);
    near(ink!.x, moved.x);
    near(ink!.y, moved.y);
    near(ink!.x + ink!.width, moved.x + moved.width);
    near(ink!.y + ink!.height, moved.y + moved.height);
  });

  it('lets the organisation start over, and both signatures verify with pdfsig', async () => {
    const token = await tokenOf(1);
    const session = SigningSession.parse(await (await call('GET', `/links/${token}`, cookies.company)).json());
    expect(session.mark).toBe('seal');
    const first = Placement.parse(await (await call('POST', `/links/${token}/placements`, cookies.company, {})).json());
    // Not moved: confirmed where 开始签署 put it, the company's own box.
    const again = Placement.parse(await (await call('POST', `/links/${token}/placements`, cookies.company, {})).json());
    expect(again).toMatchObject(session.suggested);
    // Starting over replaced the unconfirmed placement.
    expect(
      (await call('POST', `/links/${token}/placements/${first.placementId}/confirm`, cookies.company)).status,
    ).toBe(409);
    const client = await temporalClient();
    const handle = client.workflow.getHandle(registrationWorkflowId(filingId));

    // The last signature is applied (已签章) but not yet handed back to the registration: the list
    // is not complete, so the portal does not offer 提交 yet (one sent now waits for the signature:
    // activities/test/registration-at-once.test.ts).
    let release = () => {};
    holdSignature = new Promise<void>((r) => {
      release = r;
    });
    try {
      // Answered at once, while the signature is still to be handed back.
      const done = await call('POST', `/links/${token}/placements/${again.placementId}/confirm`, cookies.company);
      expect(await done.json()).toEqual({ signed: true, seq: 2, complete: false });
      await until(async () => (await list()).items.every((i) => i.state === 'signed'));
      expect((await list()).complete).toBe(false);
      expect((await handle.query(stateQuery)).status).toBe('awaiting_signatures');
    } finally {
      release();
      holdSignature = undefined;
    }
    // Once the registration has taken the signature, the list is complete: 提交 is accepted.
    await until(async () => (await list()).complete);

    const state = await handle.query(stateQuery);
    expect(state.status).toBe('awaiting_submission');
    const round = await db('signature.rounds').where({ filing_id: filingId, round: 1 }).first();
    const bytes = await getObject(store, { bucket: round.current_bucket, key: round.current_key });
    await assertSoundPdf(bytes);
    const out = await pdfsig(await tempPdf(bytes));
    expect(out.match(/Signature Validation: Signature is Valid\./g)).toHaveLength(2);
    expect(out).toContain(`Signer Certificate Common Name: ${person.name}`);
    expect(out).toContain(`Signer Certificate Common Name: ${company.name}`);
    // The activities are idempotent: a retried applySignature returns the stored object, a
    // retried openSigningRound changes nothing.
    const deps = { db, store, bucket };
    const slot = await db('signature.slots').where({ filing_id: filingId, round: 1, signer_index: 1 }).first();
    const retried = await applySignature(deps, {
      filingId,
      round: 1,
      signerIndex: 1,
      signerId: company.signerId,
      placementId: again.placementId,
    });
    expect(retried).toEqual({ bucket, key: round.current_key, sha256: round.current_sha256 });
    await openSigningRound(deps, {
      filingId,
      versionNo: 1,
      round: 1,
      signers: snapshot.signers.map(({ signerId, kind }) => ({ signerId, kind })),
      form: { bucket, key: round.form_key, sha256: round.form_sha256 },
    });
    expect(await db('signature.slots').where({ filing_id: filingId, round: 1, signer_index: 1 }).first()).toEqual(slot);

    const tampered = Buffer.from(bytes);
    tampered[1000] = (tampered[1000] ?? 0) ^ 1;
    expect(await pdfsig(await tempPdf(tampered))).toContain('Digest Mismatch');
  });

  it('an amendment (修改) voids the round: its links stop working and a new round opens', async () => {
    const v2 = { ...snapshot, versionNo: 2, content: { ...snapshot.content, title: '西湖春晓（修订）' } };
    await saveSnapshot(db, v2);
    const client = await temporalClient();
    await client.workflow.getHandle(registrationWorkflowId(filingId)).executeUpdate(amendUpdate, {
      args: [{ versionNo: 2, signers: v2.signers.map(({ signerId, kind }) => ({ signerId, kind })) }],
    });
    await until(async () => (await list()).round === 2 && (await list()).items[0]?.state === 'current');
    const old = await call('GET', `/links/${await tokenOf(0, 1)}`, cookies.person);
    expect(old.status).toBe(409);
    expect((await errorOf(old)).message).toContain('已失效');
    const fresh = await call('GET', `/links/${await tokenOf(0, 2)}`, cookies.person);
    expect(fresh.status).toBe(200);
    expect(SigningSession.parse(await fresh.json()).versionNo).toBe(2);
  });

  it('an expired link is refused', async () => {
    const token = await tokenOf(0, 2);
    await db('signature.slots')
      .where({ token })
      .update({ token_expires_at: new Date(Date.now() - 1000) });
    const res = await call('GET', `/links/${token}`, cookies.person);
    expect(res.status).toBe(409);
    expect((await errorOf(res)).message).toContain('过期');
  });
});
