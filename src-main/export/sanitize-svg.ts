import type { DOMPurify } from 'dompurify';

// The SVG a printer is sent may come from a shared bundle or another page, not only from our own
// figure builders: it keeps only SVG elements and attributes (no script, no event handler, no
// foreignObject, no javascript: link). Loaded on first use, so commands that print nothing never load jsdom.
let purifier: Promise<DOMPurify> | null = null;

async function loadPurifier(): Promise<DOMPurify> {
  const [{ default: createDOMPurify }, { JSDOM }] = await Promise.all([import('dompurify'), import('jsdom')]);
  return createDOMPurify(new JSDOM('').window as unknown as Parameters<typeof createDOMPurify>[0]);
}

/** The SVG with everything that could run or reach out removed; figures made by Plotly come out unchanged in what they draw. */
export async function sanitizeSvg(svg: string): Promise<string> {
  purifier ??= loadPurifier();
  return (await purifier).sanitize(svg, { USE_PROFILES: { svg: true, svgFilters: true } });
}
