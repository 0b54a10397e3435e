import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

/** What the checks found in an exported SVG. */
export interface SvgFacts {
  parses: boolean;
  width: string | null;
  height: string | null;
  images: number;
  vectorMarks: number;
  texts: string[];
  bytes: number;
}

/** Parses an SVG with the browser's XML parser (a strict one: any well-formedness error is a parsererror) and counts its marks. */
export async function svgFacts(page: Page, file: string): Promise<SvgFacts> {
  const text = readFileSync(file, 'utf8');
  const facts = await page.evaluate((svg) => {
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    const root = doc.documentElement;
    return {
      parses: doc.getElementsByTagName('parsererror').length === 0 && root.nodeName === 'svg',
      width: root.getAttribute('width'),
      height: root.getAttribute('height'),
      images: doc.getElementsByTagName('image').length,
      vectorMarks: ['path', 'rect', 'line', 'circle', 'polyline', 'polygon'].reduce((n, t) => n + doc.getElementsByTagName(t).length, 0),
      texts: [...doc.getElementsByTagName('text')].map((t) => t.textContent ?? ''),
    };
  }, text);
  return { ...facts, bytes: Buffer.byteLength(text) };
}

/** Pixel size from a PNG's IHDR chunk. */
export function pngSize(file: string): { width: number; height: number } {
  const b = readFileSync(file);
  if (b.readUInt32BE(0) !== 0x89504e47 || b.toString('ascii', 12, 16) !== 'IHDR') throw new Error(`${file} is not a PNG`);
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

/** Page count, page size in points, embedded raster images and extractable text of a PDF (poppler-utils). */
export function pdfFacts(file: string): { pages: number; widthPt: number; heightPt: number; images: number; text: string } {
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
  const size = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info);
  // pdfimages lists one line per raster image after a two-line header.
  const images = execFileSync('pdfimages', ['-list', file], { encoding: 'utf8' }).trim().split('\n').length - 2;
  const text = execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
  return { pages, widthPt: Number(size?.[1]), heightPt: Number(size?.[2]), images, text };
}

/** Renders the PDF's first page with pdftoppm (grey, 72 dpi) and returns the share of pixels that are not white. */
export function pdfInkShare(file: string): number {
  const pgm = execFileSync('pdftoppm', ['-gray', '-r', '72', '-f', '1', '-l', '1', file], { maxBuffer: 64 << 20 });
  // Binary PGM: "P5\n<w> <h>\n<max>\n" then one byte per pixel.
  const header = /^P5\s+(\d+)\s+(\d+)\s+(\d+)\s/.exec(pgm.toString('latin1', 0, 64));
  if (!header) throw new Error('pdftoppm did not produce a PGM image');
  const pixels = pgm.subarray(header[0].length);
  let ink = 0;
  for (const p of pixels) if (p < 200) ink++;
  return ink / pixels.length;
}
