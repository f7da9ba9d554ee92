/**
 * Task-queue names, in a file without zod so the workflow bundle can import it at runtime.
 * Re-exported from common.ts, where it was first defined.
 */
export const TaskQueue = {
  /** Workflows and the light activities (database, mail, gateway). */
  registration: 'registration',
  /** CPU-heavy document work: rendering and signing PDFs. */
  documents: 'documents',
} as const;
