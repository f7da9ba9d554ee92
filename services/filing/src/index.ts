export { createFilingApp } from './app';
export { loadSnapshot, saveSnapshot } from './snapshots';
