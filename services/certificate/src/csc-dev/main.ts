import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { config, developmentOnly, listen, logger } from '@copyreg/kit';
import { z } from 'zod';
import { createDevCscApp } from './provider';

/** The development remote-signing provider as its own process, on loopback (DEV_CSC_PORT). */
const settings = z
  .object({
    /** Its key store: a directory outside the platform's database (default: the stack's data dir). */
    DEV_CSC_KEY_DIR: z.string().default(path.join(config().COPYREG_DATA_DIR, 'csc-dev')),
    /** Encrypts each key file (AES-256); development only, like the provider. */
    DEV_CSC_PASSPHRASE: z.string().min(1).default('development-only-csc-passphrase'),
  })
  .parse(process.env);

developmentOnly('the development signing provider');
const app = createDevCscApp({ keyDir: settings.DEV_CSC_KEY_DIR, passphrase: settings.DEV_CSC_PASSPHRASE });
const server = await listen(app, config().DEV_CSC_PORT);
logger.info({ port: (server.address() as AddressInfo).port }, 'development signing provider listening');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
