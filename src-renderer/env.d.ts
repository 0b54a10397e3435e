import type { PreloadApi } from '../src-preload/index';

declare global {
  interface Window {
    /** Present only in the Electron app, where the preload exposes it. */
    api?: PreloadApi;
  }
}
