import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { svgPrintPage } from '../../src-main/export/figure-printer';
import { sanitizeSvg } from '../../src-main/export/sanitize-svg';

// What the printers are given: a real exported figure must print as before; anything that could
// run or reach out must be gone. (The end-to-end check against a live listener is in security-server.)
const FIGURE = readFileSync(join(__dirname, '..', 'fixtures', 'figures', 'curves.svg'), 'utf8');

/** How many times each element, and each attribute name, occurs. */
function census(svg: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const [, tag] of svg.matchAll(/<([a-zA-Z][\w:-]*)/g)) counts[`<${tag}`] = (counts[`<${tag}`] ?? 0) + 1;
  for (const [, name] of svg.matchAll(/\s([a-zA-Z][\w:-]*)="/g)) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

describe('SVG sanitising before printing', () => {
  it('keeps every element, attribute, text and style of a real exported figure', async () => {
    const clean = await sanitizeSvg(FIGURE);
    expect(census(clean)).toEqual(census(FIGURE));
    const texts = (svg: string) => [...svg.matchAll(/>([^<]+)</g)].map((m) => m[1]);
    expect(texts(clean)).toEqual(texts(FIGURE));
    const styles = (svg: string) => [...svg.matchAll(/style="([^"]*)"/g)].map((m) => m[1].replace(/\s+/g, ''));
    expect(styles(clean)).toEqual(styles(FIGURE));
    expect(clean).toMatch(/font-family: 'Times New Roman'/);
  });

  it('removes scripts, event handlers, foreignObject content and javascript: links, inside and after the SVG', async () => {
    const clean = await sanitizeSvg(
      [
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" onload="alert(1)">',
        '<script>alert(2)</script><rect width="5" height="5" onclick="alert(3)"/>',
        '<foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="http://127.0.0.1:1/"></iframe></foreignObject>',
        '<a xlink:href="javascript:alert(4)"><text>t</text></a><animate attributeName="href" to="javascript:alert(5)"/>',
        '</svg><script>alert(6)</script><img src="x" onerror="alert(7)">',
      ].join(''),
    );
    expect(clean).not.toMatch(/alert|<script|onload|onclick|onerror|foreignObject|iframe|<img/i);
    expect(clean).toMatch(/<rect width="5" height="5"/);
  });

  it('prints in a page whose policy loads nothing from any network', async () => {
    const page = await svgPrintPage('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>', 3, 2);
    expect(page).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:">/);
    expect(page).toMatch(/<body><svg xmlns="http:\/\/www.w3.org\/2000\/svg"><rect width="1" height="1"><\/rect><\/svg><\/body>/);
  });
});
