import { z } from 'zod';

/**
 * Every error the platform returns has this body, with HTTP 4xx for what the caller can fix.
 * `message` is written for a Chinese-speaking user; `field` names the input at fault.
 */
export const ErrorCode = z.enum([
  'VALIDATION_FAILED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'INVALID_STATE',
  'PROFILE_INCOMPLETE',
  'NOT_CURRENT_SIGNER',
  'SIGNATURE_NOT_PLACED',
  'PAYMENT_METHOD_LOCKED',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_FILE_TYPE',
  'IDEMPOTENCY_KEY_REUSED',
  'RATE_LIMITED',
  'UPSTREAM_UNAVAILABLE',
  'INTERNAL',
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const FieldIssue = z.object({
  field: z.string().describe('Dotted path of the input at fault, e.g. holders.0.idNumber'),
  message: z.string(),
});

export const ErrorBody = z
  .object({
    error: z.object({
      code: ErrorCode,
      message: z.string(),
      field: z.string().optional(),
      issues: z.array(FieldIssue).optional(),
    }),
  })
  .meta({ id: 'ErrorBody' });
export type ErrorBody = z.infer<typeof ErrorBody>;

/** HTTP status for each code, so every service answers the same way. */
export const httpStatusOf: Record<ErrorCode, number> = {
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_STATE: 409,
  PROFILE_INCOMPLETE: 409,
  NOT_CURRENT_SIGNER: 403,
  SIGNATURE_NOT_PLACED: 409,
  PAYMENT_METHOD_LOCKED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_FILE_TYPE: 415,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  UPSTREAM_UNAVAILABLE: 503,
  INTERNAL: 500,
};
