import { readdirSync, readFileSync } from 'node:fs';
import { temporalDataConverter } from '@copyreg/kit';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { describe, expect, it } from 'vitest';
import { installRuntime, workflowBundle } from '../src/worker';
import { allText } from './personal-data-scan';

/**
 * Replays the checked-in histories of registrations (workflows/histories/*.json) against
 * today's workflow code. A change that would break a running registration fails here: guard it
 * with patched() (see workflows/README.md) instead of re-recording the history.
 */
const dir = new URL('../../workflows/histories/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const histories = files.map((f) => ({
  workflowId: f.replace(/\.json$/, ''),
  history: historyFromJSON(JSON.parse(readFileSync(new URL(f, dir), 'utf8'))),
}));

/**
 * Every branch of the workflow, and what in a history shows that it was taken: a branch no
 * recorded history takes is a branch where a nondeterministic change would pass the replay.
 */
const branches: Record<string, RegExp> = {
  'signing, all signers': /"status":"awaiting_submission"/,
  'amend during signing (round voided)': /voidSigningRound|"voidRound"/,
  'signer reminder': /"kind":"signer_reminder"/,
  withdrawal: /"status":"withdrawn"/,
  'online payment': /"method":"online"/,
  'payment reminder': /"kind":"payment_reminder"/,
  'gateway payment query': /queryPayment/,
  'offline payment rejected': /"kind":"payment_rejected"/,
  'review deadline warning': /"kind":"review_deadline_near"/,
  'overdue flag': /"kind":"overdue"/,
  'return for modification': /"kind":"returned"/,
  'return expiring notice': /"kind":"return_expiring"/,
  'return expired': /"status":"expired"/,
  'refusal and refund': /refundPayment/,
  certification: /issueCertificate|certifyAndCommit/,
  'delivery by mail': /"kind":"mailed"/,
  'delivery by pickup': /"kind":"picked_up"/,
};

/** The patch of the one-activity-per-transition path: its histories carry its marker. */
const TRANSITIONS_PATCH = '2026-11-one-activity-per-transition';
/** Implies the transitions path, whose marker its histories then do not carry. */
const SIGN_AT_ONCE_PATCH = '2026-11-sign-answered-at-once';
const onTransitionsPath = (t: string) => t.includes(TRANSITIONS_PATCH) || t.includes(SIGN_AT_ONCE_PATCH);

describe('registration workflow: replay of recorded histories', () => {
  it('has a recorded history for every branch of the workflow, on the earlier path and on the current one', () => {
    const texts = histories.map((h) => allText(h.history));
    const missing: string[] = [];
    for (const [branch, marker] of Object.entries(branches)) {
      const took = texts.filter((t) => marker.test(t));
      if (!took.some((t) => !onTransitionsPath(t))) missing.push(`${branch} (before ${TRANSITIONS_PATCH})`);
      if (!took.some(onTransitionsPath)) missing.push(`${branch} (${TRANSITIONS_PATCH})`);
    }
    expect(missing).toEqual([]);
  });

  it('has a recorded history that takes each patch made after it', () => {
    const texts = histories.map((h) => allText(h.history));
    // (2026-11-separation-of-duties leaves no marker on a new registration: its validator refuses
    // before the handler could ask; the handler asks only for a breach an older validator let in.)
    const later = [
      SIGN_AT_ONCE_PATCH, // 确认 answered before the signature is applied
      '2026-11-registration-hears-revocation', // certified, then 已撤销
      'service-request-expiry-mailed', // a service request past its 补正期限 mailed as 视为撤回
    ];
    expect(later.filter((p) => !texts.some((t) => t.includes(p)))).toEqual([]);
    expect(texts.some((t) => /"status":"revoked"/.test(t))).toBe(true);
    // Not a patch (the same commit, with a notice in it): a history of the new path all the same.
    expect(texts.some((t) => /"kind":"expired"/.test(t))).toBe(true);
  });

  it('replays every recorded history without nondeterminism', async () => {
    installRuntime();
    const failures: string[] = [];
    const replayed: string[] = [];
    for await (const r of Worker.runReplayHistories(
      // The codec passes the recorded (unencrypted) payloads through, as it does for histories from before encryption.
      { workflowBundle: await workflowBundle(), dataConverter: temporalDataConverter() },
      histories,
    )) {
      replayed.push(r.workflowId);
      if (r.error) failures.push(`${r.workflowId}: ${r.error.message}`);
    }
    expect(failures).toEqual([]);
    expect(replayed.sort()).toEqual(files.map((f) => f.replace(/\.json$/, '')).sort());
  });
});
