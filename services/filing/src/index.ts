export { createFilingApp } from './app';
