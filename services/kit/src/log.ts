import { pino } from 'pino';

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'warn' : 'info'),
  // Never log personal data: callers log identifiers only.
  redact: ['*.idNumber', '*.mobile', '*.address', 'req.headers.cookie'],
});
