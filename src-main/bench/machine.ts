import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';

/** The aggregate CPU counters of /proc/stat (clock ticks since boot): steal and the sum of all fields. */
export interface CpuTicks {
  steal: number;
  total: number;
}

/** The machine's state at one moment: load averages (1, 5, 15 min) and the CPU counters where visible. */
export interface MachineSnapshot {
  loadavg: number[];
  ticks: CpuTicks | null;
}

/** Parses the aggregate `cpu` line of /proc/stat; null when it is absent or has no steal field (kernels before 2.6.11). */
export function parseProcStat(text: string): CpuTicks | null {
  const line = text.split('\n').find((l) => /^cpu\s/.test(l));
  const fields = line?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  if (fields.length < 8 || fields.some((v) => !Number.isFinite(v))) return null;
  // user nice system idle iowait irq softirq steal guest guest_nice: guest time is already counted in user.
  return { steal: fields[7], total: fields.slice(0, 8).reduce((a, b) => a + b, 0) };
}

/** The share of CPU time the hypervisor took (steal) between two snapshots, or why it cannot be told. */
export function stealBetween(before: CpuTicks | null, after: CpuTicks | null): { share: number | null; note?: string } {
  if (!before || !after) return { share: null, note: '/proc/stat not visible here' };
  const total = after.total - before.total;
  if (total <= 0) return { share: null, note: 'no CPU time passed' };
  return { share: (after.steal - before.steal) / total };
}

/** Load averages and, on Linux, the CPU counters now. */
export function snapshot(): MachineSnapshot {
  let ticks: CpuTicks | null = null;
  try {
    ticks = parseProcStat(readFileSync('/proc/stat', 'utf8'));
  } catch {
    // Not Linux, or /proc hidden: steal is reported as not visible.
  }
  return { loadavg: loadavg(), ticks };
}
