/** Where a column's cells sit: words to the left, numbers to the right. */
export type ColumnAlign = 'left' | 'right';

/** A header and rows of cells as lines, each column padded to its widest cell, so a long cell never shifts the columns after it. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ColumnAlign[]): string[] {
  const all = [header, ...rows];
  const widths = header.map((_, j) => Math.max(...all.map((row) => (row[j] ?? '').length)));
  return all.map((row) =>
    widths
      .map((width, j) => (align[j] === 'right' ? (row[j] ?? '').padStart(width) : (row[j] ?? '').padEnd(width)))
      .join('  ')
      .trimEnd(),
  );
}
