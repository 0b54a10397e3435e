// The layer rules of RetainLab (CONTRIBUTING.md, "Layers"), checked by `npm run lint:layers` and
// test/layers.test.ts. From the bottom up:
//   src-shared            pure TypeScript (API contract, zod schemas, metric maths), run by every process
//   src-main/db           the store: schema, migrations and queries
//   src-main/store-read   the one read-only path to stored datasets, used by the engine and the host
//   src-main/engine       the tfjs training engine, run in its own process
//   src-main/* (host)     services, import, export, server, cli, electron, ipc, bench
//   src-preload, src-renderer  the browser side, which talks to the host only through src-shared's API contract
// Type-only imports count (tsPreCompilationDeps): a type shared across layers lives in src-shared.

/** The host's folders: they may use the engine and the store, never the other way round. */
const HOST = 'src-main/(services|import|export|server|cli|electron|ipc|bench)/|src-main/[^/]+\\.ts$';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'shared-no-node-builtins',
      comment: 'src-shared runs in the renderer too: no Node builtins (node:fs, node:path, …).',
      severity: 'error',
      from: { path: '^src-shared/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'shared-imports-only-shared-and-zod',
      comment: 'src-shared imports nothing of ours outside src-shared, and of the packages only zod (no Electron, DOM-only, tfjs or SQLite packages).',
      severity: 'error',
      from: { path: '^src-shared/' },
      to: { dependencyTypesNot: ['core'], pathNot: '^src-shared/|(^|/)node_modules/zod/' },
    },
    {
      name: 'renderer-imports-only-renderer-shared-and-libraries',
      comment: 'The renderer reaches the host through the API contract (src-shared/api.ts) only: no src-main, src-preload or Node builtins.',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { path: '^(src-main|src-preload)/' },
    },
    {
      name: 'renderer-only-its-libraries',
      comment:
        "Of the packages, the renderer uses its UI and plotting libraries, the paper fonts and the bundler's client types only (no electron, tfjs, SQLite or Node packages).",
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: {
        path: '(^|/)node_modules/',
        pathNot: '(^|/)node_modules/(svelte|plotly\\.js-dist|zod|@fontsource/(stix-two-text|noto-sans))/|(^|/)node_modules/vite/client\\.d\\.ts$',
      },
    },
    {
      name: 'renderer-no-node-builtins',
      comment: 'The renderer runs in a browser (and in browser mode without Electron): no Node builtins.',
      severity: 'error',
      from: { path: '^src-renderer/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'preload-imports-only-electron-and-shared',
      comment: 'The preload script bridges IPC: electron and the API contract, nothing else.',
      severity: 'error',
      from: { path: '^src-preload/' },
      to: { pathNot: '^(src-preload|src-shared)/|(^|/)node_modules/electron/' },
    },
    {
      name: 'main-not-renderer-or-preload',
      comment: 'The host does not import the browser side: a type both need lives in src-shared.',
      severity: 'error',
      from: { path: '^src-main/' },
      to: { path: '^(src-renderer|src-preload)/' },
    },
    {
      name: 'engine-not-db-or-host',
      comment:
        'The engine runs in its own process and knows no store layout and no host code. It reads library datasets ' +
        'through src-main/store-read only (one read-only path, owned by the store layer, shared with the host).',
      severity: 'error',
      from: { path: '^src-main/engine/' },
      to: { path: `^(src-main/db/|${HOST})` },
    },
    {
      name: 'engine-no-store-or-electron-packages',
      comment: "The engine opens no store itself (better-sqlite3 is store-read's) and runs without Electron (a utility or forked process).",
      severity: 'error',
      from: { path: '^src-main/engine/' },
      to: { path: '(^|/)node_modules/(better-sqlite3|electron)/' },
    },
    {
      name: 'db-not-engine-or-host',
      comment: 'The store layer sits below the engine and the host: types it stores (checkpoints, imported models) live in src-shared.',
      severity: 'error',
      from: { path: '^src-main/db/' },
      to: { path: `^(src-main/(engine|store-read)/|${HOST})` },
    },
    {
      name: 'store-read-only-db-and-shared',
      comment:
        'The read-only access path to stored datasets (src-main/store-read): it opens the store file read-only and decodes ' +
        "a dataset's rows through db/'s queries. Both the engine and the host's import/ code use it, so it imports neither.",
      severity: 'error',
      from: { path: '^src-main/store-read/' },
      to: { dependencyTypesNot: ['core'], pathNot: '^(src-main/(db|store-read)|src-shared)/|(^|/)node_modules/better-sqlite3/' },
    },
    {
      name: 'no-circular',
      comment:
        'Modules form no cycle of runtime imports (a cycle hides which one is the lower layer); a cycle through a type-only import is erased at build time and allowed.',
      severity: 'error',
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Packages stay in the graph (not followed), so the rules can name which ones a layer may use; their paths are
    // matched anywhere ((^|/)node_modules/) because a tree cruised from a subfolder (the test fixture) resolves them above it.
    exclude: { path: '(^|/)out/' },
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    reporterOptions: { text: { highlightFocused: true } },
  },
};
