import { ApiError, RegistrationClient, workflowCallError } from '@copyreg/kit';
import type { RegistrationInput, RegistrationState } from '@copyreg/proto';
import { type Client, WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import type { FilingDeps } from './deps';

/** The registration workflow as the filing service reaches it: its task queue and deadline. */
const registrationOf = (deps: FilingDeps) =>
  new RegistrationClient({ temporal: deps.temporal, deadlineMs: deps.updateTimeoutMs });

/** Starts the registration (提交并电子签章); 'exists' when it was started already. */
export function startRegistration(deps: FilingDeps, input: RegistrationInput): Promise<'started' | 'exists'> {
  return registrationOf(deps).start(input, deps.taskQueue);
}

/**
 * Sends an update (amend, submit, withdraw, review) and waits for its answer, within the deadline.
 * `updateId` (the request's operation id) makes a retry get the first outcome.
 */
export function sendUpdate<A>(
  deps: FilingDeps,
  filingId: string,
  def: UpdateDefinition<RegistrationState, [A]>,
  arg: A,
  updateId?: string,
): Promise<RegistrationState> {
  return registrationOf(deps).update(filingId, def, arg, {
    ...(updateId ? { updateId } : {}),
    notFound: () => new ApiError('INVALID_STATE', '该作品的登记流程已结束或不存在'),
  });
}

// --- The office's other services' workflows (撤销登记, 其他登记服务) ---------------------------

const unavailable = (what: string) =>
  Object.assign(new ApiError('UPSTREAM_UNAVAILABLE', `${what}流程暂时没有响应，请稍后重试`), { retryAfterSeconds: 2 });

/** Calls Temporal within the service's deadline (an Update waits forever when no worker polls). */
async function withinDeadline<T>(deps: FilingDeps, what: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = await deps.temporal().catch(() => {
    throw unavailable(what);
  });
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailable(what)), deps.updateTimeoutMs);
  });
  try {
    return await Promise.race([client.withDeadline(Date.now() + deps.updateTimeoutMs, () => fn(client)), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Starts a workflow on the service's task queue; a retried command finds it started. */
export async function startWorkflowOnce(
  deps: FilingDeps,
  what: string,
  workflowType: string,
  workflowId: string,
  input: unknown,
): Promise<void> {
  try {
    await withinDeadline(deps, what, (client) =>
      client.workflow.start(workflowType, {
        taskQueue: deps.taskQueue,
        workflowId,
        args: [input],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
      }),
    );
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) return; // this very command, retried
    throw workflowCallError(err);
  }
}

/** Sends an update and waits for its answer; `updateId` (the operation id) gives a retry the first outcome. */
export async function updateWorkflow<S, A>(
  deps: FilingDeps,
  what: string,
  workflowId: string,
  def: UpdateDefinition<S, [A]>,
  arg: A,
  updateId: string,
): Promise<S> {
  try {
    return await withinDeadline(deps, what, (client) =>
      client.workflow.getHandle(workflowId).executeUpdate(def, { args: [arg], updateId }),
    );
  } catch (err) {
    throw workflowCallError(err, () => new ApiError('INVALID_STATE', `该${what}已办结`));
  }
}
