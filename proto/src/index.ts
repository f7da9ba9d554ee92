import { z } from 'zod';

// Users read validation messages in Chinese.
z.config(z.locales.zhCN());

export * from './certificate';
export * from './common';
export * from './errors';
export * from './filing';
export * from './identity';
export * from './labels';
export * from './messages';
export * from './payment';
export * from './probe';
export * from './registration';
export * from './search-attributes';
export * from './signature';
