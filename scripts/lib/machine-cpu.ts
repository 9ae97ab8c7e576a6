/**
 * CPU time the whole machine spent during a measured phase (every process: the engine or the floor,
 * PostgreSQL, this bench and its sandbox or load generator), read from /proc/stat. Printed beside the
 * wall-time ratios as information: a floor may leave a core idle (the import floor is one PostgreSQL
 * backend), so how much work each side did, per row, message or request, says where a ratio comes from
 * and what the machine's cores allow (docs/performance.md, seventh pass). Linux only: null elsewhere.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

export interface CpuMark {
  /** Ticks spent running anything (user, nice, system, irq, softirq), all cores together. */
  busy: number;
  /** All ticks, idle, I/O wait and a hypervisor's steal included. */
  total: number;
  at: number;
}

export interface CpuUsage {
  cpuSeconds: number;
  /** Cores busy on average over the phase. */
  cores: number;
}

export function cpuMark(): CpuMark | null {
  try {
    const ticks = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/).slice(1, 9).map(Number);
    const [user, nice, system, , , irq, softirq] = ticks;
    return { busy: user + nice + system + irq + softirq, total: ticks.reduce((sum, tick) => sum + tick, 0), at: performance.now() };
  } catch {
    return null;
  }
}

/** What the machine spent since `mark`: the share of all ticks that were busy, times the cores and the seconds. */
export function cpuSince(mark: CpuMark | null): CpuUsage | null {
  const now = cpuMark();
  if (!mark || !now || now.total === mark.total) return null;
  const cores = ((now.busy - mark.busy) / (now.total - mark.total)) * cpus().length;
  return { cpuSeconds: (cores * (now.at - mark.at)) / 1000, cores };
}

/** "machine CPU 29.1 s (1.66 of 2 cores), 30.6 µs per row" */
export function describeCpu(usage: CpuUsage | null, count: number, unit: string): string {
  if (!usage) return 'machine CPU not measured (no /proc/stat)';
  return `machine CPU ${usage.cpuSeconds.toFixed(1)} s (${usage.cores.toFixed(2)} of ${cpus().length} cores), ${((usage.cpuSeconds * 1e6) / count).toFixed(1)} µs per ${unit}`;
}

/**
 * The engine's CPU per unit of work against the floors' (mean of their runs): information beside the
 * ratio to the floor, not a target. Null when a phase was not measured.
 */
export function compareCpu(engine: { usage: CpuUsage | null; count: number }, floors: ReadonlyArray<{ usage: CpuUsage | null; count: number }>, unit: string): string | null {
  const perUnit = ({ usage, count }: { usage: CpuUsage | null; count: number }) => (usage ? (usage.cpuSeconds * 1e6) / count : null);
  const engineFigure = perUnit(engine);
  const floorFigures = floors.map(perUnit);
  if (engineFigure === null || floorFigures.some((figure) => figure === null)) return null;
  const floorFigure = (floorFigures as number[]).reduce((sum, figure) => sum + figure, 0) / floorFigures.length;
  return `machine CPU per ${unit}: engine ${engineFigure.toFixed(1)} µs, floor ${floorFigure.toFixed(1)} µs → the engine's phase took ${(engineFigure / floorFigure).toFixed(2)}× the floor's CPU (information)`;
}
