import { get, type Page } from './api';
import type { FilingListItem, FilingView, ListName } from './proto';

export type Filing = FilingView;
export const loadFiling = (filingId: string) => get<FilingView>(`/api/filing/filings/${filingId}`);

export const loadList = (list: ListName, page = 1, pageSize = 20) =>
  get<Page<FilingListItem>>('/api/filing/filings', { list, page, pageSize });
