import type { MarkerSymbol } from '../../../src-shared/method-style';

// Vertices of a regular n-gon (or a star when inner is given) of radius r about the origin, first vertex up.
function polygon(n: number, r: number, inner?: number): string {
  const count = inner === undefined ? n : 2 * n;
  const points = Array.from({ length: count }, (_, i) => {
    const radius = inner !== undefined && i % 2 ? inner : r;
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / count;
    return `${(radius * Math.cos(angle)).toFixed(2)},${(radius * Math.sin(angle)).toFixed(2)}`;
  });
  return `M${points.join('L')}Z`;
}

const PLUS = 'M-1.5,-4.5H1.5V-1.5H4.5V1.5H1.5V4.5H-1.5V1.5H-4.5V-1.5H-1.5Z';

// The same shapes as Plotly's marker symbols, in a box of −5…5.
const PATHS: Record<string, string> = {
  circle: 'M4,0A4,4 0 1,1 -4,0A4,4 0 1,1 4,0Z',
  square: 'M-3.5,-3.5H3.5V3.5H-3.5Z',
  diamond: 'M0,-4.8L4.2,0L0,4.8L-4.2,0Z',
  'triangle-up': 'M0,-4.5L4.5,3.5H-4.5Z',
  'triangle-down': 'M0,4.5L4.5,-3.5H-4.5Z',
  cross: PLUS,
  star: polygon(5, 5, 2),
  pentagon: polygon(5, 4.5),
  hexagon: polygon(6, 4.5),
};

/** An SVG path of a Plotly marker symbol centred on the origin, about 10 units across; `x` is the cross turned by 45°. */
export function markerPath(symbol: MarkerSymbol): { d: string; rotate: number; open: boolean } {
  const shape = symbol.replace(/-open$/, '');
  const open = shape !== symbol;
  if (shape === 'x') return { d: PLUS, rotate: 45, open };
  return { d: PATHS[shape] ?? PATHS.circle, rotate: 0, open };
}
