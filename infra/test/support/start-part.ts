import { loadConfig } from '@copyreg/kit';
import { waitFor } from '../../src/proc';
import { stackParts } from '../../src/stack';

/**
 * `tsx start-part.ts <name>`: starts one part of the stack (with this process's environment:
 * the private stack's data directory and ports) and waits until it answers. Unlike `cli up`,
 * it never judges the other parts, so a slow health answer under load cannot start a second copy.
 */
const name = process.argv[2];
const part = stackParts.find((p) => p.name === name);
if (!part) throw new Error(`no stack part named ${name}`);
const c = loadConfig();
await part.start(c);
await waitFor(part.name, () => part.healthy(c), 90_000, part.name);
