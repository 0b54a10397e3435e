// Only our own scripts and no remote content (Electron's security checklist); styles inline for Svelte and Plotly, images from data/blob URLs for figures, fonts inline (the paper fonts travel inside exported SVGs).
const COMMON = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:";

/** The Content-Security-Policy of the app page: in browser mode it also talks to the server's WebSocket on 127.0.0.1. */
export const APP_CSP = `${COMMON}; connect-src 'self' ws://127.0.0.1:* ws://localhost:*`;

/** The Content-Security-Policy of the figure page (headless export): no connections beyond its own files. */
export const FIGURE_CSP = `${COMMON}; connect-src 'self'`;

/** The placeholder each renderer HTML page carries where the build writes its policy (electron.vite.config.ts). */
export const CSP_PLACEHOLDER = '%RETAINLAB_CSP%';
