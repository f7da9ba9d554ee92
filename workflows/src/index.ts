// Every workflow the worker runs; this file is the entry of the workflow bundle.
export { probeWorkflow } from './probe';
export { registrationWorkflow } from './registration';
export { revocationWorkflow } from './revocation';
export { serviceRequestWorkflow } from './service-request';
