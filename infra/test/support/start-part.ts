import { loadConfig } from '@copyreg/kit';
import { recordedPid, waitFor } from '../../src/proc';
import { stackParts } from '../../src/stack';
import { listenerPids, processGroup, serverPorts } from './private-stack';

/**
 * `tsx start-part.ts <name>`: starts one part of the stack (with this process's environment:
 * the private stack's data directory and ports) and waits until it answers. Unlike `cli up`,
 * it never judges the other parts, so a slow health answer under load cannot start a second copy.
 * It refuses to start when the part's port is taken, and counts the part as up only when the
 * process listening on its port is the one it started (its process group), so a server left
 * running, or one still shutting down, cannot pass the health check.
 */
const name = process.argv[2];
if (name !== 'temporal' && name !== 'minio') throw new Error(`start-part starts temporal or minio, not ${name}`);
const part = stackParts.find((p) => p.name === name);
if (!part) throw new Error(`no stack part named ${name}`);
const c = loadConfig();
const [port] = serverPorts(name, c);
if (port === undefined) throw new Error(`no port for ${name}`);
if (listenerPids(port).length || (await part.busy(c)))
  throw new Error(`${name}: port ${port} is taken (pids ${listenerPids(port).join(', ') || '?'}): not starting`);
await part.start(c);
const pid = recordedPid(name);
if (!pid) throw new Error(`${name}: no pid recorded after start`);
await waitFor(
  name,
  async () => listenerPids(port).some((p) => processGroup(p) === pid) && (await part.healthy(c)),
  90_000,
  name,
);
