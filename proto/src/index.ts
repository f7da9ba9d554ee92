import { z } from 'zod';
import { zodErrorMap } from './error-map';

// Validation messages name the field by its label, in Chinese unless a request asks for English.
z.config({ localeError: zodErrorMap('zh') });

export * from './certificate';
export * from './common';
export * from './error-map';
export * from './errors';
export * from './filing';
export * from './identity';
export * from './labels';
export * from './messages';
export * from './payment';
export * from './permissions';
export * from './probe';
export * from './registration';
export * from './registry';
export * from './revocation';
export * from './revocation-messages';
export * from './search-attributes';
export * from './service-request-messages';
export * from './service-requests';
export * from './signature';
