import { describe, expect, it } from 'vitest';
import { paretoFrontier } from '../../src-shared/pareto';

describe('Pareto frontier of retention vs gain', () => {
  it('keeps exactly the points no other point beats on both axes, in x order', () => {
    const pts = [
      { id: 'a', x: 0, y: 100 },
      { id: 'b', x: 10, y: 95 },
      { id: 'c', x: 8, y: 90 }, // beaten by b on both axes
      { id: 'd', x: 20, y: 80 },
      { id: 'e', x: 20, y: 70 }, // same x as d, lower y
      { id: 'f', x: -5, y: 99 }, // beaten by a
    ];
    expect(paretoFrontier(pts).map((p) => p.id)).toEqual(['a', 'b', 'd']);
  });

  it('ignores non-finite points and returns nothing for nothing', () => {
    expect(paretoFrontier([])).toEqual([]);
    expect(
      paretoFrontier([
        { x: NaN, y: 1 },
        { x: 1, y: 2 },
      ]),
    ).toEqual([{ x: 1, y: 2 }]);
  });
});
