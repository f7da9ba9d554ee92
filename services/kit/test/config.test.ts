import { describe, expect, it } from 'vitest';
import { ConfigError, developmentDefaults, isProductionMode, loadConfig, refuseInProduction } from '../src/config';
import { productionSettings } from '../src/testing';

describe('configuration from the environment', () => {
  it('runs on embedded defaults', () => {
    const c = loadConfig({});
    expect(c.TEMPORAL_ADDRESS).toBe('127.0.0.1:7233');
    expect(c.DATABASE_URL).toMatch(/^postgres:\/\/.+:5433\/copyreg$/);
    expect(c.S3_BUCKET).toBe('copyreg');
    expect(c.PORTAL_PORT).toBe(3000);
  });

  it('takes values from the environment', () => {
    const c = loadConfig({ TEMPORAL_ADDRESS: 'temporal.example:7233', FILING_PORT: '4002', TEMPORAL_TLS: 'true' });
    expect(c.TEMPORAL_ADDRESS).toBe('temporal.example:7233');
    expect(c.FILING_PORT).toBe(4002);
    expect(c.TEMPORAL_TLS).toBe(true);
  });

  it.each([
    ['FILING_PORT', 'eighty'],
    ['FILING_PORT', '70000'],
    ['TEMPORAL_ADDRESS', 'no-port'],
    ['DATABASE_URL', 'mysql://x'],
    ['S3_BUCKET', 'Bad_Bucket'],
    ['S3_ENDPOINT', 'not a url'],
    ['TEMPORAL_TLS', 'maybe'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`${name}=`));
  });

  it('refuses the development session secret in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET/);
  });

  const production = productionSettings;
  const kitDefaults = Object.keys(production).filter((k) => k !== 'SIGNER_CSC_URL');

  it.each([
    ['a public PUBLIC_URL', { PUBLIC_URL: 'https://copyright.zj.example' }],
    ['NODE_ENV=production on loopback', { NODE_ENV: 'production' }],
  ])('production mode (%s) names every development default in one message', (_what, env) => {
    let message = '';
    try {
      loadConfig(env);
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      message = (err as Error).message;
    }
    for (const variable of kitDefaults) expect(message).toContain(`  ${variable}:`);
  });

  it('production mode names only what is still a development default', () => {
    const { S3_SECRET_KEY: _, ...rest } = production;
    const env = { ...rest, PUBLIC_URL: 'https://copyright.zj.example', S3_SECRET_KEY: 'copyreg-dev-secret' };
    expect(() => loadConfig(env)).toThrow(/\n {2}S3_SECRET_KEY:[^\n]*$/);
    expect(() => loadConfig({ ...env, DATABASE_URL: 'postgres://copyreg:copyreg@db:5432/x' })).toThrow(/DATABASE_URL/);
  });

  it('starts in production mode on proper settings, and a Temporal API key stands for TLS', () => {
    const c = loadConfig({ ...production, PUBLIC_URL: 'https://copyright.zj.example' });
    expect(isProductionMode(c)).toBe(true);
    const cloud = { ...production, TEMPORAL_TLS: 'false', TEMPORAL_API_KEY: 'key', NODE_ENV: 'production' };
    expect(loadConfig(cloud).NODE_ENV).toBe('production');
  });

  it('loopback stays development on the embedded defaults', () => {
    for (const url of ['http://127.0.0.1:3000', 'http://localhost:3100', 'http://[::1]:3000']) {
      expect(isProductionMode(loadConfig({ PUBLIC_URL: url }))).toBe(false);
    }
  });

  it('a service adds its own development defaults to the one check', () => {
    const env = { ...production, PUBLIC_URL: 'https://copyright.zj.example' };
    refuseInProduction({
      variable: 'TEST_ONLY_KEY',
      fix: 'a key',
      isDefault: (_c, e) => !e.TEST_ONLY_KEY,
    });
    expect(() => loadConfig(env)).toThrow(/TEST_ONLY_KEY/);
    expect(loadConfig({ ...env, TEST_ONLY_KEY: 'k' }).PUBLIC_URL).toBe('https://copyright.zj.example');
    developmentDefaults.splice(
      developmentDefaults.findIndex((d) => d.variable === 'TEST_ONLY_KEY'),
      1,
    );
  });
});
