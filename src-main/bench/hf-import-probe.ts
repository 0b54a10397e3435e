import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../db/connection';
import { importModelAt } from '../import/models/model-import';
import { writeRandomHubFolder, type HubConfig } from './hf-bench-models';

/** What importing a large checkpoint cost: the child's peak resident set and the file's size. */
export interface HfImportMemory {
  model: string;
  safetensorsMB: number;
  peakRssMB: number;
  /** How the peak was read: the kernel's high-water mark, or samples where the platform has none. */
  how: string;
  note?: string;
}

/** This process's peak resident set in MB: Linux's VmHWM (every byte ever resident counts), else the current RSS. */
function peakRss(): { mb: number; how: string } {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (hwm) return { mb: Number(hwm[1]) / 1024, how: 'VmHWM of the child process' };
  } catch {
    // Not Linux: fall through to the current resident set.
  }
  return { mb: process.memoryUsage().rss / 2 ** 20, how: 'RSS after the import (no high-water mark on this platform)' };
}

/** In this process: imports the Hub folder into a fresh store in a temp dir and returns its peak RSS (MB). */
export async function hfImportProbe(folder: string): Promise<{ peakRssMB: number; how: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'retainlab-bench-store-'));
  const db = openStore(dataDir);
  try {
    await importModelAt(db, folder, 'bench-bert-base');
    const { mb, how } = peakRss();
    return { peakRssMB: mb, how };
  } finally {
    db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Writes a Hub folder of `config` (random float32 weights; bert-base's is ≈ 440 MB) to a temp dir and
 * imports it in a fresh child process (`bench --hf-import-probe`), so nothing else of the bench inflates the peak.
 */
export function measureHfImportPeak(config: HubConfig): HfImportMemory {
  const folder = mkdtempSync(join(tmpdir(), 'retainlab-bench-bert-base-'));
  try {
    const bytes = writeRandomHubFolder(folder, config);
    const cli = join(__dirname, 'cli.js');
    const run = spawnSync(process.execPath, [cli, 'bench', '--hf-import-probe', folder], { encoding: 'utf8', timeout: 600_000 });
    if (run.status !== 0) throw new Error(`import probe failed: ${run.stderr.trim().split('\n').at(-1)}`);
    const probe = JSON.parse(run.stdout.trim().split('\n').at(-1)!) as { peakRssMB: number; how: string };
    const model = `BERT ${config.num_hidden_layers} layers × ${config.hidden_size}, vocab ${config.vocab_size} (random float32 under the Hub's names)`;
    return { model, safetensorsMB: bytes / 2 ** 20, ...probe };
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
