import type { RegistrationActivities } from '@copyreg/proto';
import { activateSigner, applySignature, openSigningRound, voidSigningRound } from '@copyreg/signature';
import type { ActivityDeps } from './index';

/**
 * Activities of the signature service: signing rounds, links and PDF signatures.
 * applySignature is CPU-heavy: the documents worker runs it.
 */
export function createSignatureActivities(
  deps: ActivityDeps,
): Pick<RegistrationActivities, 'openSigningRound' | 'activateSigner' | 'applySignature' | 'voidSigningRound'> {
  return {
    openSigningRound: (input) => openSigningRound(deps, input),
    activateSigner: (input) => activateSigner(deps, input),
    applySignature: (input) => applySignature(deps, input),
    voidSigningRound: (input) => voidSigningRound(deps, input),
  };
}
