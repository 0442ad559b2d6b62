import type { Page } from '@haulproof/contracts';

/** Keyset paging by id: stable under inserts and deletes, and no OFFSET scans. */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

export function afterCursor(page: PageRequest): { id?: { gt: string } } {
  return page.cursor ? { id: { gt: page.cursor } } : {};
}

/** Fetch limit + 1 rows; the extra one only says whether there is a next page. */
export function takeOneMore(page: PageRequest): { take: number; orderBy: { id: 'asc' } } {
  return { take: page.limit + 1, orderBy: { id: 'asc' } };
}

export function toPage<T extends { id: string }>(rows: T[], page: PageRequest): Page<T> {
  const items = rows.slice(0, page.limit);
  return { items, nextCursor: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}
