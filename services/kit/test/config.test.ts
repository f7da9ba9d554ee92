import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config';

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
    expect(loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40) }).NODE_ENV).toBe('production');
  });
});
