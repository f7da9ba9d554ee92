import { spawn } from 'node:child_process';
import path from 'node:path';
import { DEVELOPMENT_PAYLOAD_KEY } from '@copyreg/kit';
import { productionSettings } from '@copyreg/kit/testing';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../src/paths';
import { devPeerNames, platformProcesses } from '../src/platform';

/**
 * Production mode is decided by the deployment: every process of the platform, started with a
 * portal address that is not loopback, refuses to start on any development default and names
 * each one; with proper (fake) settings it gets past the check.
 */
const PUBLIC_URL = 'https://copyright.zj.example';
const kitDefaults = [
  'SESSION_SECRET',
  'DATABASE_URL',
  'S3_ACCESS_KEY',
  'S3_SECRET_KEY',
  'OIDC_ISSUER',
  'OIDC_CLIENT_SECRET',
  'TEMPORAL_TLS',
  'TEMPORAL_PAYLOAD_KEYS',
  'SIGNER_SIGNING_PROVIDER',
];
/** What each process refuses on top of the platform-wide defaults. */
const ownDefaults: Record<string, string[]> = {
  certificate: ['SIGNING_CA', 'OFFICE_KEY_PROVIDER'],
  payment: ['ALIPAY_PUBLIC_KEY', 'ALIPAY_PRIVATE_KEY', 'ALIPAY_GATEWAY'],
  'documents-worker': ['SIGNING_CA', 'OFFICE_KEY_PROVIDER'],
  worker: ['SIGNING_CA', 'OFFICE_KEY_PROVIDER', 'ALIPAY_PUBLIC_KEY'],
};
const devPeers = devPeerNames;

/** Settings a real deployment would give: none of them a development default (ports away from any running platform). */
const proper = {
  ...productionSettings,
  DATABASE_URL: 'postgres://copyreg:not-the-dev-password@127.0.0.1:5433/copyreg_test',
  // Every API's /metrics wants it (kit metrics.ts); a service refuses to start without it.
  METRICS_TOKEN: 'a-metrics-token-of-more-than-thirty-two-characters',
  SIGNING_CA: 'p12',
  SIGNING_P12_DIR: 'keys',
  ALIPAY_PUBLIC_KEY: 'alipay-public-key',
  ALIPAY_PRIVATE_KEY: 'app-private-key',
  ALIPAY_GATEWAY: 'https://openapi.alipay.example/gateway.do',
  ...Object.fromEntries(
    [
      'PORTAL',
      'IDENTITY',
      'FILING',
      'SIGNATURE',
      'PAYMENT',
      'CERTIFICATE',
      'DEV_OIDC',
      'DEV_GATEWAY',
      'MAIL_WEB',
      'SMTP',
      'DEV_CSC',
    ].map((name, i) => [`${name}_PORT`, String(23_400 + i)]),
  ),
};

/** Runs the entry until it exits or logs that its configuration was checked; returns its output. */
function run(
  script: string,
  env: NodeJS.ProcessEnv,
  stopOnceChecked = true,
): Promise<{ code: number | null; output: string; checked: boolean }> {
  return new Promise((resolve) => {
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !(k in proper) && k !== 'NODE_ENV' && k !== 'PUBLIC_URL'),
    );
    const child = spawn(path.join(repoRoot, 'node_modules/.bin/tsx'), [script], {
      cwd: repoRoot,
      env: { ...clean, LOG_LEVEL: 'info', PUBLIC_URL, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    let checked = false;
    const onData = (d: Buffer) => {
      output += d.toString();
      if (!checked && output.includes('"configuration checked"')) {
        checked = true;
        if (stopOnceChecked) process.kill(-(child.pid as number), 'SIGKILL');
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => resolve({ code, output, checked }));
  });
}

describe('production mode', () => {
  it.each(platformProcesses.map((p) => [p.name, p.script]))(
    '%s refuses to start on development defaults, naming each',
    async (name, script) => {
      const { code, output, checked } = await run(script, {});
      expect(checked).toBe(false);
      expect(code).not.toBe(0);
      if (devPeers.includes(name)) {
        expect(output).toMatch(/production mode/);
        return;
      }
      for (const variable of [...kitDefaults, ...(ownDefaults[name] ?? [])]) expect(output).toContain(variable);
    },
    60_000,
  );

  // Each start costs seconds of CPU on a shared machine: a service and a worker stand for the rest.
  it.each(platformProcesses.filter((p) => ['payment', 'worker'].includes(p.name)).map((p) => [p.name, p.script]))(
    '%s gets past the check on proper settings',
    async (_name, script) => {
      const { output, checked } = await run(script, proper);
      expect(output).not.toMatch(/development defaults|Invalid configuration/);
      expect(checked).toBe(true);
      expect(output).toContain('"productionMode":true');
    },
    60_000,
  );

  it('a worker refuses the development payload key even with every other setting proper', async () => {
    const dev = `${DEVELOPMENT_PAYLOAD_KEY.id}:${DEVELOPMENT_PAYLOAD_KEY.key.toString('base64')}`;
    const { code, output, checked } = await run('activities/src/worker.ts', { ...proper, TEMPORAL_PAYLOAD_KEYS: dev });
    expect(checked).toBe(false);
    expect(code).not.toBe(0);
    // The one variable named (the message sits in a JSON log line: its newlines escaped).
    expect(output).toMatch(/ {2}TEMPORAL_PAYLOAD_KEYS: /);
    expect(output).not.toMatch(/ {2}SESSION_SECRET: /);
  }, 60_000);

  it('the documents worker refuses the development office key even with every other setting proper', async () => {
    const { code, output, checked } = await run('activities/src/documents-worker.ts', {
      ...proper,
      OFFICE_KEY_PROVIDER: 'dev',
    });
    expect(checked).toBe(false);
    expect(code).not.toBe(0);
    // The documents worker logs the refusal as JSON: its newlines are escaped.
    expect(output).toMatch(/(\n|\\n) {2}OFFICE_KEY_PROVIDER:/);
    expect(output).not.toMatch(/(\n|\\n) {2}SIGNING_CA:/);
  }, 60_000);

  it('a development stand-in does not start in production mode even on proper settings', async () => {
    const { code, output } = await run('services/payment/src/dev-gateway.ts', proper, false);
    expect(code).not.toBe(0);
    expect(output).toMatch(/development stand-in/);
  }, 60_000);
});
