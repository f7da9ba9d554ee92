/**
 * The contracts the browser uses, from @copyreg/proto's browser-safe modules only: the package's
 * index also exports the Temporal workflow messages, which do not belong in a browser bundle.
 */
import { z } from 'zod';

z.config(z.locales.zhCN());

export * from '@copyreg/proto/src/common';
export * from '@copyreg/proto/src/errors';
export * from '@copyreg/proto/src/filing';
export * from '@copyreg/proto/src/identity';
export * from '@copyreg/proto/src/payment';
export * from '@copyreg/proto/src/registration';
export { z } from 'zod';
