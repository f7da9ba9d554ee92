import { client, ok } from './api';
import type { FilingView, ListName } from './proto';

export type Filing = FilingView;
export const loadFiling = (filingId: string) =>
  ok(client.GET('/api/filing/filings/{filingId}', { params: { path: { filingId } } }));

export const loadList = (list: ListName, page = 1, pageSize = 20) =>
  ok(client.GET('/api/filing/filings', { params: { query: { list, page, pageSize } } }));
