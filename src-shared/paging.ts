import { z } from 'zod';

/** One slice of a listing that can grow without bound (runs, datasets): a response stays small however many there are. */
export interface Page<T> {
  items: T[];
  /** Items in the whole listing, so a caller knows when it has them all. */
  total: number;
  /** Position of the first item in the whole listing. */
  offset: number;
}

/** Items per page unless a caller asks for fewer (or more, up to PAGE_MAX). */
export const PAGE_DEFAULT = 200;
/** The most items one page may hold. */
export const PAGE_MAX = 1000;

/** The page argument of a listing method: optional, and each field optional. */
export const pageRequestSchema = z
  .strictObject({
    offset: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(PAGE_MAX).optional(),
  })
  .optional();

/** Which slice of a listing to return; absent fields take the defaults. */
export type PageRequest = NonNullable<z.infer<typeof pageRequestSchema>>;

/** The offset and limit a request means, defaults filled in. */
export function pageBounds(request: PageRequest = {}): { offset: number; limit: number } {
  return { offset: request.offset ?? 0, limit: request.limit ?? PAGE_DEFAULT };
}

/** A page cut from a listing already in memory. */
export function pageOf<T>(all: T[], request?: PageRequest): Page<T> {
  const { offset, limit } = pageBounds(request);
  return { items: all.slice(offset, offset + limit), total: all.length, offset };
}

/** Reads of a listing that changed under them before allPages settles for one that may be off by the change. */
const READS_BEFORE_SETTLING = 3;

/**
 * Every item of a paged listing, fetched one page after another (each response stays bounded). A
 * listing whose total changes between two pages (a run launched meanwhile moves every later item
 * down) is read again from the start; after a few such reads the last one is kept, each item once by `key`.
 */
export async function allPages<T>(fetchPage: (request: PageRequest) => Promise<Page<T>>, key: (item: T) => unknown, limit = PAGE_DEFAULT): Promise<T[]> {
  for (let read = 1; ; read++) {
    const items: T[] = [];
    const seen = new Set<unknown>();
    let total: number | null = null;
    let changed = false;
    for (let offset = 0; ;) {
      const page = await fetchPage({ offset, limit });
      changed ||= total !== null && page.total !== total;
      total = page.total;
      for (const item of page.items) {
        if (seen.has(key(item))) continue;
        seen.add(key(item));
        items.push(item);
      }
      offset += page.items.length;
      // A listing that shrank while it was read ends early rather than looping.
      if (page.items.length === 0 || offset >= page.total) break;
    }
    if (!changed || read === READS_BEFORE_SETTLING) return items;
  }
}
