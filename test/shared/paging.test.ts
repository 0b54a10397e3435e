import { describe, expect, it } from 'vitest';
import { allPages, pageOf, PAGE_DEFAULT, type Page, type PageRequest } from '../../src-shared/paging';

const numbers = Array.from({ length: 450 }, (_, i) => i);

describe('paged listings', () => {
  it('cut a page from a listing, with the defaults when nothing is asked', () => {
    expect(pageOf(numbers).items).toHaveLength(PAGE_DEFAULT);
    expect(pageOf(numbers, { offset: 440, limit: 100 })).toEqual({ items: numbers.slice(440), total: 450, offset: 440 });
    expect(pageOf(numbers, { offset: 900 })).toEqual({ items: [], total: 450, offset: 900 });
  });

  it('are read whole one page after another, each request no larger than the page size', async () => {
    const asked: PageRequest[] = [];
    const all = await allPages(
      async (request) => {
        asked.push(request);
        return pageOf(numbers, request);
      },
      (n) => n,
      100,
    );
    expect(all).toEqual(numbers);
    expect(asked.map((r) => r.offset)).toEqual([0, 100, 200, 300, 400]);
  });

  it('end when the listing shrinks while it is read, instead of asking forever', async () => {
    let total = 450;
    const all = await allPages(
      async (request): Promise<Page<number>> => {
        const page = pageOf(numbers.slice(0, total), request);
        total = 150;
        return { ...page, total: 450 };
      },
      (n) => n,
      100,
    );
    expect(all).toEqual(numbers.slice(0, 150));
  });

  it('read the listing again when it changes between two pages, so no item is missed or listed twice', async () => {
    let listing = numbers.slice(0, 250);
    let requests = 0;
    const all = await allPages(
      async (request) => {
        const page = pageOf(listing, request);
        // One new item at the top, while the first read is under way.
        if (++requests === 1) listing = [-1, ...listing];
        return page;
      },
      (n) => n,
      100,
    );
    expect(all).toEqual([-1, ...numbers.slice(0, 250)]);
  });

  it('settle, each item once, for a listing that never stops changing', async () => {
    let listing = numbers.slice(0, 250);
    const all = await allPages(
      async (request) => {
        const page = pageOf(listing, request);
        listing = [listing[0] - 1, ...listing];
        return page;
      },
      (n) => n,
      100,
    );
    expect(new Set(all).size).toBe(all.length);
    expect(all.length).toBeGreaterThan(200);
  });
});
