/**
 * Default timings of a revocation, without zod so the workflow bundle can use them at runtime.
 * `RevocationTiming` (revocation.ts) takes its defaults from here: one definition.
 */
export const revocationTimingDefaults = {
  /** The holder may answer (陈述意见) within this many working days of the notice. */
  answerWorkingDays: 15,
} as const;
