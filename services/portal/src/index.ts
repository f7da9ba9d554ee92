export { createPortalApp, proxiedServices } from './app';
export { buildIfStale, buildIsStale } from './build';
