/**
 * Default timings of a service request (其他登记服务), without zod so the workflow bundle can use
 * them at runtime. `ServiceRequestTiming` (service-requests.ts) takes its defaults from here.
 */
export const serviceRequestTimingDefaults = {
  /** Each review stage is due within this many working days of entering it. */
  reviewWorkingDays: 20,
  /** 退回修改: the applicant resubmits within this long, or the request is deemed withdrawn (as a registration's). */
  returnReplyDeadline: '30 days',
} as const;
