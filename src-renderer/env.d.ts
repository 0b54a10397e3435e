/// <reference types="vite/client" />
import type { PreloadApi } from '../src-shared/preload-api';

declare global {
  interface Window {
    /** Present only in the Electron app, where the preload exposes it. */
    api?: PreloadApi<File>;
  }
}
