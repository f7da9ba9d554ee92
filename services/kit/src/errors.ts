import { type ErrorBody, type ErrorCode, httpStatusOf } from '@copyreg/proto';
import type { z } from 'zod';

/** An error the caller can act on; the HTTP layer turns it into the standard error body. */
export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
    readonly issues?: { field: string; message: string }[],
  ) {
    super(message);
  }
  get status(): number {
    return httpStatusOf[this.code];
  }
  toBody(): ErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.field ? { field: this.field } : {}),
        ...(this.issues ? { issues: this.issues } : {}),
      },
    };
  }
}

/** Turns a zod failure into field-level messages (Chinese, from zod's zh-CN locale). */
export function validationError(error: z.ZodError, prefix?: string): ApiError {
  const issues = error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: issue.message,
  }));
  const first = issues[0] ?? { field: '(body)', message: '输入有误' };
  return new ApiError('VALIDATION_FAILED', `${first.field}：${first.message}`, first.field, issues);
}
