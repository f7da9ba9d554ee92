export { migrationSource } from './schema';
