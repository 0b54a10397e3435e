import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** A static answer: the file, or the status to refuse the path with and why. */
export type StaticAnswer = { status: 200; body: Buffer; type: string } | { status: 400 | 404; body: string; type: string };

const refuse = (status: 400 | 404, why: string): StaticAnswer => ({ status, body: why, type: 'text/plain; charset=utf-8' });

/** Reads a file of the built renderer for a URL path: 400 for a malformed or escaping path, 404 when missing. */
export async function readStatic(root: string, urlPath: string): Promise<StaticAnswer> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath === '/' ? '/index.html' : urlPath);
  } catch {
    return refuse(400, 'bad request: malformed percent-encoding in the path');
  }
  if (decoded.includes('\0')) return refuse(400, 'bad request: NUL in the path');
  // Relative before normalising, so `..` past the top stays visible (normalising '/..' would silently give '/').
  const file = join(root, normalize(decoded.replace(/^[/\\]+/, '')));
  if (!file.startsWith(root + sep)) return refuse(400, 'bad request: the path leaves the served folder');
  try {
    return { status: 200, body: await readFile(file), type: TYPES[extname(file)] ?? 'application/octet-stream' };
  } catch {
    return refuse(404, 'not found');
  }
}
