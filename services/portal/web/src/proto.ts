/**
 * The contracts the browser uses, from @copyreg/proto's browser-safe modules only: the package's
 * index also exports the Temporal workflow messages, which do not belong in a browser bundle.
 */
import { zodErrorMap } from '@copyreg/proto/src/error-map';
import * as filing from '@copyreg/proto/src/filing';
import { z } from 'zod';

// The services' error map: messages name the field by its label.
z.config({ localeError: zodErrorMap('zh') });

export * from '@copyreg/proto/src/certificate';
export * from '@copyreg/proto/src/common';
export * from '@copyreg/proto/src/errors';
export * from '@copyreg/proto/src/filing';
export * from '@copyreg/proto/src/identity';
export * from '@copyreg/proto/src/payment';
export * from '@copyreg/proto/src/registration';
export { z };

// Types the contracts define only as schemas.
export const FilingListItem = filing.FilingListItem;
export type FilingListItem = z.infer<typeof filing.FilingListItem>;
export const StaffFilingView = filing.StaffFilingView;
export type StaffFilingView = z.infer<typeof filing.StaffFilingView>;
export type ReviewDecisionRecord = z.infer<typeof filing.ReviewDecisionRecord>;
export type AuditEntry = z.infer<typeof filing.AuditEntry>;
export * from '@copyreg/proto/src/signature';
