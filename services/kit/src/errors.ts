import { type ErrorBody, type ErrorCode, httpStatusOf, type Lang, localizedIssueMessage } from '@copyreg/proto';
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

/** The request's language for messages: English when it prefers English (Accept-Language), else Chinese. */
export function languageOf(req?: { acceptsLanguages(...langs: string[]): string | false }): Lang {
  return req?.acceptsLanguages('zh', 'en') === 'en' ? 'en' : 'zh';
}

/**
 * Turns a zod failure into field-level messages: sentences naming each field by its label (from
 * proto's error map), in the request's language; the raw path stays in `field` for the portal to
 * highlight. `prefix` says where the input came from (query, params) for `field`.
 */
export function validationError(
  error: z.ZodError,
  prefix?: string,
  req?: { acceptsLanguages(...langs: string[]): string | false },
): ApiError {
  const lang = languageOf(req);
  const issues = error.issues.map((issue) => ({
    field: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)',
    message: localizedIssueMessage(issue, lang),
  }));
  const first = issues[0] ?? { field: '(body)', message: lang === 'en' ? 'The request is not valid.' : '输入有误' };
  return new ApiError('VALIDATION_FAILED', first.message, first.field, issues);
}
