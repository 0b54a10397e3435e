import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { svgPrintPage, type FigurePrinter } from './figure-printer';

/** Debian's Chromium (CHROMIUM_PATH overrides): the headless route that needs no browser download. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** The flags a closed network needs (no update, sync or background requests). */
const CHROMIUM_ARGS = ['--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * Starts headless Chromium, or says in one line how to get it. It runs in its sandbox wherever the
 * OS allows one: not as root (Chromium refuses), nor where the sandboxed start fails (no user
 * namespaces and no setuid helper). Without it, it is given only our own figure page and sanitised SVG.
 */
export async function launchHeadlessChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`PDF and PNG export need Chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  // Loaded on demand so the Electron app, which prints with its own engine, never loads it.
  const { chromium } = await import('playwright-core');
  // Playwright turns the sandbox off unless asked (chromiumSandbox).
  const launch = (sandbox: boolean) => chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, chromiumSandbox: sandbox });
  if (process.getuid?.() === 0) return launch(false);
  return launch(true).catch(() => launch(false));
}

/**
 * Prints SVG to PDF with Chromium's own PDF backend (page.pdf), which keeps text and paths as
 * vectors. The SVG is sanitised (svgPrintPage), and the page runs no script and has no network.
 */
export async function printSvgPdf(browser: Browser, svg: string, widthIn: number, heightIn: number): Promise<Buffer> {
  const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
  const page = await context.newPage();
  try {
    await page.setContent(await svgPrintPage(svg, widthIn, heightIn), { waitUntil: 'load' });
    return await page.pdf({
      width: `${widthIn}in`,
      height: `${heightIn}in`,
      printBackground: true,
      pageRanges: '1',
      margin: { top: '0', right: '0', bottom: '0', left: '0' },
    });
  } finally {
    await context.close();
  }
}

/** A printer that starts Chromium on first use and keeps it for later figures until closed. */
export function chromiumPrinter(): FigurePrinter {
  let browser: Promise<Browser> | null = null;
  return {
    async pdf(svg, widthIn, heightIn) {
      browser ??= launchHeadlessChromium();
      try {
        return await printSvgPdf(await browser, svg, widthIn, heightIn);
      } catch (err) {
        // A crashed or failed browser is not reused: the next figure starts a fresh one.
        const stale = browser;
        browser = null;
        await stale.then((b) => b.close()).catch(() => {});
        throw err;
      }
    },
    async close() {
      const open = browser;
      browser = null;
      await open?.then((b) => b.close()).catch(() => {});
    },
  };
}
