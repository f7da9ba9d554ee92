import { SearchAttr } from '@copyreg/proto';
import type { Connection } from '@temporalio/client';
import { msToTs } from '@temporalio/common/lib/time';
import { sleep, waitFor } from './proc';

/** Temporal's IndexedValueType numbers, by the names proto's SearchAttr uses. */
const indexedValueType: Record<string, number> = {
  TEXT: 1,
  KEYWORD: 2,
  INT: 3,
  DOUBLE: 4,
  BOOL: 5,
  DATETIME: 6,
  KEYWORD_LIST: 7,
};

/**
 * Registers the namespace unless it exists, then adds whichever of the platform's search
 * attributes (proto's SearchAttr) it lacks. For a server not started by the CLI with them as flags:
 * the bench's and tests' private servers and the production cluster. Returns the names added.
 */
export async function registerNamespace(
  connection: Connection,
  namespace: string,
  opts: { retention: string; description?: string; log?: (s: string) => void },
): Promise<string[]> {
  const svc = connection.workflowService;
  const exists = await svc.describeNamespace({ namespace }).then(
    () => true,
    () => false,
  );
  if (!exists) {
    await svc.registerNamespace({
      namespace,
      ...(opts.description ? { description: opts.description } : {}),
      workflowExecutionRetentionPeriod: msToTs(opts.retention),
    });
    opts.log?.(`  temporal: namespace ${namespace} registered`);
  }
  // A new namespace reaches the frontend's namespace cache only after a few seconds (~10 s).
  let have: Awaited<ReturnType<Connection['operatorService']['listSearchAttributes']>> | undefined;
  await waitFor(
    `namespace ${namespace} in the frontend's cache`,
    async () => {
      have = await connection.operatorService.listSearchAttributes({ namespace });
      return true;
    },
    60_000,
  );
  const missing = Object.values(SearchAttr).filter((k) => !(k.name in (have?.customAttributes ?? {})));
  if (missing.length) {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((k) => [k.name, indexedValueType[k.type as string] as number])),
    });
    opts.log?.(`  temporal: search attributes ${missing.map((k) => k.name).join(', ')} added`);
    await sleep(1000);
  }
  return missing.map((k) => k.name);
}
