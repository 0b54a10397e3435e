import { sanitizeSvg } from './sanitize-svg';

/** Prints a figure's SVG to a one-page vector PDF; Chromium (browser mode, CLI) or Electron's printToPDF (the app). */
export interface FigurePrinter {
  /** A PDF of one page of exactly widthIn × heightIn inches showing the SVG at that size. */
  pdf(svg: string, widthIn: number, heightIn: number): Promise<Buffer>;
  /** Releases the browser, if one was started. */
  close(): Promise<void>;
}

// What the print page may load: its inline styles and data: images and fonts, nothing from any network.
const PRINT_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:";

/** The page a printer loads: the sanitised SVG alone at its paper size, no margins, nothing else, nothing fetched. */
export async function svgPrintPage(svg: string, widthIn: number, heightIn: number): Promise<string> {
  const body = await sanitizeSvg(svg.replace(/^\s*<\?xml[^>]*>/, ''));
  return `<!doctype html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="${PRINT_CSP}"><style>
@page { size: ${widthIn}in ${heightIn}in; margin: 0 }
html, body { margin: 0; padding: 0; background: white }
svg { display: block; width: ${widthIn}in; height: ${heightIn}in }
</style></head><body>${body}</body></html>`;
}
