import type { RegistrationActivities } from '@copyreg/proto';
import type { ActivityDeps } from './index';

/** Activities of the signature service: signing rounds, links and PDF signatures. */
export function createSignatureActivities(
  _deps: ActivityDeps,
): Pick<RegistrationActivities, 'openSigningRound' | 'activateSigner' | 'applySignature' | 'voidSigningRound'> {
  const todo = (name: string) => () => Promise.reject(new Error(`${name}: not implemented yet`));
  return {
    openSigningRound: todo('openSigningRound'),
    activateSigner: todo('activateSigner'),
    applySignature: todo('applySignature'),
    voidSigningRound: todo('voidSigningRound'),
  };
}
