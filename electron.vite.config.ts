import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import type { Plugin } from 'vite';
import { APP_CSP, CSP_PLACEHOLDER, FIGURE_CSP } from './src-shared/csp';

// The pages' CSP meta tags are written from src-shared/csp.ts, the policy the browser-mode server sends too.
function contentSecurityPolicy(): Plugin {
  return {
    name: 'retainlab-csp',
    transformIndexHtml(html, ctx) {
      if (!html.includes(CSP_PLACEHOLDER)) throw new Error(`${ctx.filename} has no ${CSP_PLACEHOLDER} meta tag: every page needs the policy`);
      return html.replace(CSP_PLACEHOLDER, ctx.filename.endsWith('figure.html') ? FIGURE_CSP : APP_CSP);
    },
  };
}

// Main-side bundles: the Electron main process, the engine process, the CLI and the browser-mode
// server all share the same services, so they are entries of one build (shared chunks, one output).
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      lib: {
        entry: {
          index: resolve(__dirname, 'src-main/index.ts'),
          engine: resolve(__dirname, 'src-main/engine/engine-process.ts'),
          cli: resolve(__dirname, 'src-main/cli/cli.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      lib: { entry: { index: resolve(__dirname, 'src-preload/index.ts') } },
    },
  },
  renderer: {
    root: resolve(__dirname, 'src-renderer'),
    plugins: [svelte(), contentSecurityPolicy()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      minify: true,
      chunkSizeWarningLimit: 6000,
      // figure.html: the app's figure code without the UI, for `retainlab export` in headless Chromium.
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html'), figure: resolve(__dirname, 'src-renderer/figure.html') } },
    },
  },
});
