// The tests start Chromium exactly as the export route does: Debian's package, no browser download.
export { CHROMIUM_PATH, launchHeadlessChromium as launchChromium } from '../../src-main/export/chromium-printer';
