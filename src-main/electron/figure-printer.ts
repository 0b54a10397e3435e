import { BrowserWindow } from 'electron';
import { svgPrintPage, type FigurePrinter } from '../export/figure-printer';
import { PRINTER_WINDOW_OPTIONS } from './hardening';

/** Prints figures with Electron's own Chromium (webContents.printToPDF): vector, no extra browser. */
export function electronPrinter(): FigurePrinter {
  return {
    async pdf(svg, widthIn, heightIn) {
      // A hidden, script-less, sandboxed window that shows only the sanitised SVG (svgPrintPage).
      const win = new BrowserWindow(PRINTER_WINDOW_OPTIONS);
      try {
        await win.loadURL(`data:text/html;charset=utf-8,${encodeURIComponent(await svgPrintPage(svg, widthIn, heightIn))}`);
        return await win.webContents.printToPDF({
          pageSize: { width: widthIn, height: heightIn },
          margins: { top: 0, right: 0, bottom: 0, left: 0 },
          printBackground: true,
          pageRanges: '1',
        });
      } finally {
        win.destroy();
      }
    },
    async close() {},
  };
}
