/**
 * Default timings of a registration, without zod so the workflow bundle can use them at runtime.
 * `RegistrationTiming` (registration.ts) takes its defaults from here: one definition.
 */
export const registrationTimingDefaults = {
  signerReminderEvery: '3 days',
  paymentReminderEvery: '3 days',
  paymentQueryAfter: '15 minutes',
  returnReplyDeadline: '30 days',
  returnExpiringNoticeBefore: '3 days',
  reviewWorkingDays: 30,
  reviewWarningWorkingDays: 5,
} as const;
