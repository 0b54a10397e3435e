import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import type { RunSummary } from '../../src-shared/api';
import { forkLauncher } from '../../src-main/services/fork-launcher';
import { createWorkbench, type Workbench } from '../../src-main/workbench';
import { pdfFacts, pdfInkShare, pngSize } from '../e2e/export-checks';
import { ENGINE_PATH, tempDataDir, tinyStudy } from './helpers';

const BIN = join(__dirname, '..', '..', 'bin', 'retainlab.js');
const OUT = join(__dirname, '..', '..', 'test-output', 'export-cli');

/** Reads every file of a zip with yauzl (a reader independent of the writer). */
function unzip(buf: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const files = new Map<string, Buffer>();
      zip.on('error', reject);
      zip.on('end', () => resolve(files));
      zip.on('entry', (entry: yauzl.Entry) =>
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          buffer(stream).then((data) => {
            files.set(entry.fileName, data);
            zip.readEntry();
          }, reject);
        }),
      );
      zip.readEntry();
    });
  });
}

describe('retainlab export (CLI)', () => {
  const data = tempDataDir();
  let runs: RunSummary[];

  function cli(...args: string[]) {
    const r = spawnSync(process.execPath, [BIN, 'export', '--data-dir', data.dir, ...args], { encoding: 'utf8', timeout: 90_000 });
    return { code: r.status, stderr: r.stderr };
  }

  beforeAll(async () => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    const wb = createWorkbench({ dataDir: data.dir, launcher: forkLauncher(ENGINE_PATH), mode: 'browser', version: 'test' });
    await wb.api.launchStudy(
      tinyStudy({ name: 'cli export', methods: [{ id: 'vanilla' }, { id: 'wiseft' }], budget: { epochs: 1, evalsPerEpoch: 1, seeds: [0, 1] } }),
    );
    await wb.host.whenIdle();
    runs = (await wb.api.listRuns()).items.filter((r) => r.kind === 'finetune');
    for (const r of runs.filter((x) => x.methodId === 'vanilla')) await wb.api.setRunTags(r.id, ['paper']);
    wb.close();
  });
  afterAll(() => data.remove());

  it('writes a figure as SVG, PDF and PNG of the requested size from runs chosen by tag', () => {
    expect(cli('--runs', 'tag:paper', '--figure', 'curves', '--format', 'svg', '--width', '6.75', '--out', join(OUT, 'curves.svg')).code).toBe(0);
    const svg = readFileSync(join(OUT, 'curves.svg'), 'utf8');
    expect(svg).toMatch(/^<svg[^>]* width="6.75in"/);
    expect(svg).not.toContain('<image');

    expect(cli('--runs', 'all', '--figure', 'scatter', '--format', 'pdf', '--out', join(OUT, 'scatter.pdf')).code).toBe(0);
    const pdf = pdfFacts(join(OUT, 'scatter.pdf'));
    expect(pdf.pages).toBe(1);
    expect(pdf.widthPt).toBeCloseTo(234, 0);
    expect(pdf.images).toBe(0);
    expect(pdf.text).toContain('Target gain');
    expect(pdfInkShare(join(OUT, 'scatter.pdf'))).toBeGreaterThan(0.01);

    expect(
      cli(
        '--runs',
        runs.map((r) => r.id).join(','),
        '--figure',
        'wiseft',
        '--format',
        'png',
        '--width',
        '3.25',
        '--height',
        '2',
        '--dpi',
        '144',
        '--out',
        join(OUT, 'wiseft.png'),
      ).code,
    ).toBe(0);
    expect(pngSize(join(OUT, 'wiseft.png'))).toEqual({ width: 468, height: 288 });
  });

  it('writes a one-column booktabs LaTeX table (mean and std over seeds, best in bold) and a table* with every metric', () => {
    expect(cli('--runs', 'all', '--table', 'latex', '--out', join(OUT, 'table.tex')).code).toBe(0);
    const tex = readFileSync(join(OUT, 'table.tex'), 'utf8');
    for (const env of ['table', 'tabular']) expect(tex.split(`\\begin{${env}}`).length).toBe(tex.split(`\\end{${env}}`).length);
    expect(tex).not.toContain('table*');
    expect(tex).toMatch(/\\toprule[\s\S]*\\midrule[\s\S]*\\bottomrule/);
    // The vanilla row's A_pre, computed here by hand: mean and sample std of its two seeds, in %.
    const a = runs.filter((r) => r.methodId === 'vanilla').map((r) => r.headline!.aPre * 100);
    const mean = (a[0] + a[1]) / 2;
    const std = Math.sqrt(((a[0] - mean) ** 2 + (a[1] - mean) ** 2) / 1);
    const row = tex.split('\n').find((l) => l.startsWith('Vanilla'))!;
    expect(row.split(' & ')).toHaveLength(6);
    expect(row.split(' & ')[1]).toMatch(new RegExp(`^(\\\\textbf\\{)?${mean.toFixed(1)}\\}?\\$_\\{\\\\pm${std.toFixed(1)}\\}\\$$`));
    expect(tex).toContain('WiSE-FT interpolation ($\\alpha$=0.5) & ');
    expect(tex.match(/\\textbf\{/g)!.length).toBeGreaterThanOrEqual(5);
    expect(cli('--runs', 'all', '--table', 'latex-full', '--out', join(OUT, 'table-full.tex')).code).toBe(0);
    expect(readFileSync(join(OUT, 'table-full.tex'), 'utf8')).toContain('\\begin{table*}');
    expect(cli('--runs', 'all', '--table', 'md', '--out', join(OUT, 'table.md')).code).toBe(0);
    expect(readFileSync(join(OUT, 'table.md'), 'utf8')).toContain(`${mean.toFixed(1)}`);
  });

  it('writes a bundle whose run configs `retainlab run runs.json` re-runs as they are', async () => {
    const bundle = cli('--runs', 'all', '--bundle', join(OUT, 'bundle.zip'));
    expect(bundle.code, bundle.stderr).toBe(0);
    const files = await unzip(readFileSync(join(OUT, 'bundle.zip')));
    const manifest = JSON.parse(files.get('manifest.json')!.toString());
    expect(manifest.seeds).toEqual([0, 1]);
    expect(manifest.backends).toEqual(['wasm']);
    expect(manifest.runs).toHaveLength(4);
    for (const k of ['scatter', 'curves', 'wiseft', 'cd-classes', 'distance']) expect(files.has(`figures/${k}.svg`)).toBe(true);
    expect(files.get('metrics/runs.csv')!.toString().split('\n')[0]).toContain('aPre');
    expect(files.get('README.md')!.toString()).toContain('npx retainlab run runs.json');
    const original = runs.map((r) => files.get(`runs/${r.id}/config.json`)!.toString()).sort();
    const bundled = JSON.parse(files.get('runs.json')!.toString()) as unknown[];
    expect(bundled.map((c) => `${JSON.stringify(c, null, 2)}\n`).sort()).toEqual(original);

    writeFileSync(join(OUT, 'runs.json'), files.get('runs.json')!);
    const rerun = spawnSync(process.execPath, [BIN, 'run', join(OUT, 'runs.json'), '--data-dir', data.dir, '--json'], { encoding: 'utf8', timeout: 180_000 });
    expect(rerun.status, rerun.stderr).toBe(0);
    const report = JSON.parse(rerun.stdout) as { pretrainedNow: boolean; runs: { id: string; kind: string; status: string }[] };
    expect(report.pretrainedNow).toBe(false); // the same base-model spec: reused, not retrained
    expect(report.runs.map((r) => [r.kind, r.status])).toEqual(runs.map(() => ['finetune', 'completed']));
    const wb: Workbench = createWorkbench({ dataDir: data.dir, launcher: forkLauncher(ENGINE_PATH), mode: 'browser', version: 'test' });
    try {
      const again = await Promise.all(report.runs.map((r) => wb.api.getRun(r.id)));
      expect(again.map((r) => `${JSON.stringify(r.config, null, 2)}\n`).sort()).toEqual(original);
      expect(new Set(again.map((r) => r.baseModelId))).toEqual(new Set(runs.map((r) => r.baseModelId)));
    } finally {
      wb.close();
    }
  });

  it('refuses bad input with a specific message instead of crashing', () => {
    const unknown = cli('--runs', 'run-nope', '--figure', 'scatter', '--format', 'svg', '--out', join(OUT, 'x.svg'));
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("no run with id 'run-nope'");
    expect(cli('--runs', 'all', '--figure', 'scatter', '--format', 'gif', '--out', join(OUT, 'x.gif')).stderr).toContain(
      "--format must be one of svg, png, pdf, got 'gif'",
    );
    expect(cli('--runs', 'all', '--figure', 'scatter', '--format', 'svg', '--width', '40', '--out', join(OUT, 'x.svg')).stderr).toContain(
      '--width: must be a number from 1 to 8.5, got 40',
    );
    expect(cli('--runs', 'tag:nothing', '--table', 'csv', '--out', join(OUT, 'x.csv')).stderr).toContain("no fine-tuning run carries the tag 'nothing'");
    expect(cli('--runs', 'all', '--figure', 'pie', '--out', join(OUT, 'x.svg')).stderr).toContain(
      '--figure must be one of scatter, curves, wiseft, tradeoff, parallel, cd-classes, distance',
    );
  });

  it('refuses to draw runs of several tasks on one figure, names the groups, and exports one chosen with --task', async () => {
    // One cheap run of another target on the same base model (the permuted digits reuse the rotated digits' pretraining).
    const wb = createWorkbench({ dataDir: data.dir, launcher: forkLauncher(ENGINE_PATH), mode: 'browser', version: 'test' });
    try {
      await wb.api.launchStudy(tinyStudy({ name: 'other task', target: { task: 'permuted' }, budget: { epochs: 1, evalsPerEpoch: 1, seeds: [0] } }));
      await wb.host.whenIdle();
    } finally {
      wb.close();
    }
    const mixed = cli('--runs', 'all', '--figure', 'scatter', '--out', join(OUT, 'mixed.svg'));
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toMatch(/2 tasks/);
    expect(mixed.stderr).toMatch(/rotate90: digits 0-9 → Rotated digits \(\d+ runs\)/);
    expect(mixed.stderr).toContain('permuted: digits 0-9 → Permuted pixels (1 run)');
    expect(mixed.stderr).toMatch(/choose one with --task KEY \(e\.g\. --task (rotate90|permuted)\), or select its runs with --runs tag:NAME/);
    expect(existsSync(join(OUT, 'mixed.svg'))).toBe(false);

    expect(cli('--runs', 'all', '--task', 'permuted', '--figure', 'scatter', '--out', join(OUT, 'permuted.svg')).code).toBe(0);
    expect(readFileSync(join(OUT, 'permuted.svg'), 'utf8')).toContain('Vanilla fine-tuning');
    expect(cli('--runs', 'all', '--task', 'sotu', '--table', 'md', '--out', join(OUT, 'x.md')).stderr).toContain(
      "--task 'sotu' is the task of none of the selected runs",
    );
  });

  it('reports only the figure-size flags that were passed', () => {
    const r = cli('--runs', 'all', '--figure', 'scatter', '--width=-2', '--out', join(OUT, 'x.svg'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--width: must be a number from 1 to 8.5, got -2');
    expect(r.stderr).not.toContain('--height');
  });
});
