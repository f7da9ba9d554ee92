import { ApiError, RegistrationClient } from '@copyreg/kit';
import type { RegistrationInput, RegistrationState } from '@copyreg/proto';
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
