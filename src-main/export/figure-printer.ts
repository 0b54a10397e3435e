/** Prints a figure's SVG to a one-page vector PDF; Chromium (browser mode, CLI) or Electron's printToPDF (the app). */
export interface FigurePrinter {
  /** A PDF of one page of exactly widthIn × heightIn inches showing the SVG at that size. */
  pdf(svg: string, widthIn: number, heightIn: number): Promise<Buffer>;
  /** Releases the browser, if one was started. */
  close(): Promise<void>;
}

/** The page a printer loads: the SVG alone at its paper size, no margins, nothing else. */
export function svgPrintPage(svg: string, widthIn: number, heightIn: number): string {
  const body = svg.replace(/^\s*<\?xml[^>]*>/, '');
  return `<!doctype html><html><head><meta charset="utf-8"><style>
@page { size: ${widthIn}in ${heightIn}in; margin: 0 }
html, body { margin: 0; padding: 0; background: white }
svg { display: block; width: ${widthIn}in; height: ${heightIn}in }
</style></head><body>${body}</body></html>`;
}
