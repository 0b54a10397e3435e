import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DatasetSummary, ImportProgress } from '../../src-shared/datasets';
import { beginDatasetImport, insertDatasetChunk } from '../../src-main/db/datasets';
import { insertRun } from '../../src-main/db/runs';
import { startBrowserServer } from '../../src-main/server/http-server';
import { forkLauncher } from '../../src-main/services/fork-launcher';
import { uploadsDir } from '../../src-main/services/uploads';
import { createWorkbench } from '../../src-main/workbench';
import { ENGINE_PATH, tempDataDir, tinyRunConfig } from './helpers';

const IRIS = join(__dirname, '..', 'fixtures', 'import', 'csv', 'iris.csv');
const CNN = join(__dirname, '..', 'fixtures', 'models', 'cnn', 'model.json');
const BIN = join(__dirname, '..', '..', 'bin', 'retainlab.js');
const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function workbench() {
  const data = tempDataDir();
  const wb = createWorkbench({ dataDir: data.dir, launcher: forkLauncher(ENGINE_PATH), mode: 'browser', version: 'test' });
  cleanups.push(data.remove, () => wb.close());
  return wb;
}

describe('the dataset library', () => {
  it('lists the built-in MNIST digits and @stdlib text corpora next to imports', async () => {
    const wb = workbench();
    const list = (await wb.api.listDatasets()).items;
    const byId = new Map(list.map((d) => [d.id, d]));
    expect(byId.get('builtin-mnist-digits')).toMatchObject({ builtin: true, kind: 'images', n: 10000, shape: [28, 28, 1] });
    expect(byId.get('builtin-spam-assassin')).toMatchObject({ kind: 'text', n: 6046, classes: [{ label: 'ham' }, { label: 'spam' }] });
    expect(byId.get('builtin-sotu')!.classes.map((c) => c.label)).toContain('Republican');
    expect(byId.get('builtin-moby-dick')).toMatchObject({ kind: 'text', classes: [], split: { stratified: false } });
  });

  it('imports with progress events, renames (names stay unique) and refuses to delete while a run uses it', async () => {
    const wb = workbench();
    const events: ImportProgress[] = [];
    wb.bus.only('dataset-import-progress', (p) => events.push(p));
    const iris = await wb.api.importDataset({ kind: 'path', path: IRIS }, { name: 'Iris' }, 'job-1');
    expect(events.at(-1)).toMatchObject({ jobId: 'job-1', phase: 'done', rows: 10, fraction: 1 });
    const other = await wb.api.importDataset({ kind: 'path', path: IRIS }, {}, 'job-2');
    await expect(wb.api.renameDataset(other.id, 'Iris')).rejects.toThrow("A dataset named 'Iris' already exists");
    expect((await wb.api.renameDataset(other.id, 'Iris copy')).name).toBe('Iris copy');
    await expect(wb.api.renameDataset('builtin-mnist-digits', 'x')).rejects.toThrow(/is built in: it cannot be renamed or deleted/);

    const db = (wb.api as unknown as { db: Parameters<typeof insertRun>[0] }).db;
    insertRun(db, { id: 'run-uses-iris', studyId: null, baseModelId: null, config: tinyRunConfig({ target: { task: 'dataset', dataset: iris.id } }) });
    await expect(wb.api.deleteDataset(iris.id)).rejects.toThrow("'Iris' is used by 1 run (run-uses-iris); delete those runs first");
    expect((await wb.api.listDatasets()).items.some((d) => d.id === iris.id)).toBe(true);
    expect(await wb.api.deleteDataset(other.id)).toEqual({ deleted: other.id });
    expect((await wb.api.listDatasets()).items.filter((d) => !d.builtin).map((d) => d.name)).toEqual(['Iris']);
  });

  it('pages the library, and lists 64 feature names of a wide table while its fingerprint still tells two tables apart', async () => {
    const wb = workbench();
    const dir = tempDataDir();
    cleanups.push(dir.remove);
    const table = (name: string, column80: string) => {
      const names = Array.from({ length: 100 }, (_, j) => (j === 80 ? column80 : `c${j}`));
      const rows = Array.from({ length: 6 }, (_, i) => [...names.map((_, j) => String((i * j) % 7)), i % 2 ? 'a' : 'b'].join(','));
      const path = join(dir.dir, `${name}.csv`);
      writeFileSync(path, `${[...names, 'label'].join(',')}\n${rows.join('\n')}\n`);
      return wb.api.importDataset({ kind: 'path', path }, {}, name);
    };
    const wide = await table('wide', 'c80');
    const renamed = await table('renamed', 'pressure');
    const all = (await wb.api.listDatasets()).items;
    const page = await wb.api.listDatasets({ offset: all.length - 2, limit: 5 });
    expect(page).toMatchObject({ total: all.length, offset: all.length - 2 });
    expect(page.items.map((d) => d.id).sort()).toEqual([wide.id, renamed.id].sort());
    expect(wide.featureNames).toHaveLength(64);
    expect(wide.shape).toEqual([1, 100, 1]);
    expect(wide.featuresKey).not.toBe(renamed.featuresKey);
    const check = await wb.api.checkStudy({
      baseModel: { recipe: 'mlp' },
      data: { source: 'library', pretrain: wide.id },
      target: { task: 'dataset', dataset: renamed.id },
      methods: [{ id: 'vanilla' }],
    });
    expect(check.ok ? '' : check.issues.join('\n')).toMatch(
      /'renamed' and the pretrain dataset 'wide' have 100 columns that differ in name or order after the first 64: the same features are needed in the same order/,
    );
  });

  it('removes an import whose process died (its lease ran out), but not one another process is still writing', () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const first = createWorkbench({ dataDir: data.dir, launcher: forkLauncher(ENGINE_PATH), mode: 'browser', version: 'test' });
    const db = (first.api as unknown as { db: Parameters<typeof beginDatasetImport>[0] }).db;
    beginDatasetImport(db, { id: 'data-crashed', kind: 'tabular', format: 'csv', origin: 'big.csv' });
    insertDatasetChunk(db, 'data-crashed', 0, 0, 1, new Float32Array([1, 2]));
    db.prepare(`UPDATE datasets SET lease_until = ? WHERE id = 'data-crashed'`).run(Date.now() - 1);
    beginDatasetImport(db, { id: 'data-in-progress', kind: 'tabular', format: 'csv', origin: 'other.csv' });
    first.close();
    const second = createWorkbench({ dataDir: data.dir, launcher: forkLauncher(ENGINE_PATH), mode: 'browser', version: 'test' });
    cleanups.push(() => second.close());
    const db2 = (second.api as unknown as { db: Parameters<typeof beginDatasetImport>[0] }).db;
    expect(db2.prepare(`SELECT id FROM datasets`).all()).toEqual([{ id: 'data-in-progress' }]);
    expect(db2.prepare(`SELECT count(*) AS n FROM dataset_chunks`).get()).toEqual({ n: 0 });
  });

  it('reports a failed import as a progress event with the message', async () => {
    const wb = workbench();
    const events: ImportProgress[] = [];
    wb.bus.only('dataset-import-progress', (p) => events.push(p));
    await expect(wb.api.importDataset({ kind: 'path', path: join(IRIS, '..', 'ragged.csv') }, {}, 'job-1')).rejects.toThrow(/line 3 has 2 fields/);
    expect(events.at(-1)).toMatchObject({ jobId: 'job-1', phase: 'failed', message: expect.stringMatching(/line 3 has 2 fields/) });
  });
});

describe('browser-mode uploads', () => {
  it('stage a file with PUT /upload (token required), then preview and import it; the upload is removed after', async () => {
    const wb = workbench();
    const server = await startBrowserServer(wb, __dirname);
    cleanups.push(() => server.close());
    const base = `http://127.0.0.1:${server.port}`;
    const auth = { Authorization: `Bearer ${server.token}` };
    expect((await fetch(`${base}/upload/iris.csv`, { method: 'PUT', body: readFileSync(IRIS) })).status).toBe(401);
    // An encoded slash survives the client's URL normalisation; the server must still refuse it.
    const escaped = await (await fetch(`${base}/upload/..%2Fevil.csv`, { method: 'PUT', headers: auth, body: 'a,b\n1,2\n' })).json();
    expect(escaped).toMatchObject({ ok: false, error: { message: "'..%2Fevil.csv' is not an acceptable upload path" } });
    expect(existsSync(join(wb.dataDir, 'evil.csv'))).toBe(false);

    const put = await (await fetch(`${base}/upload/iris.csv`, { method: 'PUT', headers: auth, body: readFileSync(IRIS) })).json();
    expect(put).toMatchObject({ ok: true, result: { path: 'iris.csv', bytes: readFileSync(IRIS).length } });
    const source = { kind: 'upload', id: put.result.id };
    const call = async (method: string, args: unknown[]) =>
      (await (
        await fetch(`${base}/api/${method}`, { method: 'POST', headers: { ...auth, 'Content-Type': 'application/json' }, body: JSON.stringify({ args }) })
      ).json()) as { ok: boolean; result: unknown };
    expect(await call('previewDataset', [{ kind: 'path', path: '/etc/passwd' }, {}])).toMatchObject({ ok: false, error: { name: 'SecurityError' } });
    const preview = await call('previewDataset', [source, {}]);
    expect(preview).toMatchObject({ ok: true, result: { n: 10, suggestedName: 'iris' } });
    const imported = await call('importDataset', [source, { name: 'uploaded iris' }, 'job-1']);
    expect((imported.result as DatasetSummary).name).toBe('uploaded iris');
    expect(readdirSync(uploadsDir(wb.dataDir))).toEqual([]);
  });
});

describe('the datasets and models commands', () => {
  it('import and list datasets and models as JSON, and exit 2 with the message on bad input', () => {
    const data = tempDataDir();
    cleanups.push(data.remove);
    const cli = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args, '--data-dir', data.dir], { encoding: 'utf8', timeout: 60_000 });
    const imported = cli('datasets', 'import', IRIS, '--name', 'iris flowers', '--label-column', 'species', '--json');
    expect(imported.status, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({
      name: 'iris flowers',
      n: 10,
      kind: 'tabular',
      classes: [{ label: 'setosa', count: 4 }, { label: 'versicolor' }, { label: 'virginica' }],
    });
    const listed = JSON.parse(cli('datasets', 'list', '--json').stdout) as DatasetSummary[];
    expect(listed.filter((d) => !d.builtin).map((d) => d.name)).toEqual(['iris flowers']);
    const bad = cli('datasets', 'import', join(IRIS, '..', 'nan.csv'));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/nan\.csv, line 3, column 'b': NaN is not a finite number/);

    const model = cli('models', 'import', CNN, '--json');
    expect(model.status, model.stderr).toBe(0);
    expect(JSON.parse(model.stdout)).toMatchObject({ name: 'cnn', inputShape: [8, 8, 1], classes: 3, headLayer: 'out' });
    expect(JSON.parse(cli('models', 'list', '--json').stdout).map((m: { name: string }) => m.name)).toEqual(['cnn']);
  });
});
