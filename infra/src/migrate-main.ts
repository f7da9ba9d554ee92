import { config, logger } from '@copyreg/kit';
import { migrateAll } from './migrate';

/** `node dist/migrate.js`: every schema's migrations, once per deploy, before the new processes start. */
try {
  await migrateAll(config().DATABASE_URL);
  logger.info('database migrated');
} catch (err) {
  logger.error({ err }, 'migration failed');
  process.exit(1);
}
