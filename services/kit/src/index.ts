export * from './auth';
export * from './config';
export * from './db';
export * from './errors';
export * from './http';
export * from './log';
export * from './objects';
export * from './temporal';
