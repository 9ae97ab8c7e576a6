/**
 * Memory verdict of bench:report's CSV export (pure). The export must stream: the engine's memory
 * may grow by a fixed budget while it sends the large CSV, whatever the row count. Comparing the
 * peak after one export with the peak after a second one (the earlier check) passes an export that
 * buffers the whole file: both runs reach the same high peak. A fixed budget fails it — 1M rows are
 * about 145 MB of CSV, several times the budget.
 */
export const EXPORT_MEMORY_BUDGET_KB = 64 * 1024;

/**
 * The memory verdict is taken on an engine whose V8 old space is capped below the size of the 1M-row
 * file (~145 MB). Uncapped, V8 lets garbage pile up to about four times the live heap before a full
 * GC (bench:report measured RSS 140 → 340 MB and back, a sawtooth, with --trace-gc showing ~55 MB
 * live after every full GC): that measures V8's heap-growing heuristic, not the export. Capped, an
 * export that kept rows as JavaScript objects or strings could not finish (heap out of memory), and
 * one that buffered them outside the heap (Buffers) would still break the RSS budget.
 */
export const EXPORT_HEAP_CAP_MB = 96;

export interface MemoryReading {
  /** VmRSS, kB */
  rss: number;
  /** VmHWM (peak RSS since the process started), kB */
  hwm: number;
}

export interface ExportMemory {
  before: MemoryReading;
  after: MemoryReading;
  /** VmRSS sampled while the export ran, kB */
  samples: Array<{ rss: number }>;
}

/**
 * How far the engine's RSS rose above where it stood when the export started: the highest RSS seen
 * during the export — sampled, or VmHWM when it rose during the export (it then holds the true peak,
 * even a spike between two samples) — minus the RSS before.
 */
export function exportMemoryGrowthKb(run: ExportMemory): number {
  let peak = run.after.rss;
  for (const sample of run.samples) if (sample.rss > peak) peak = sample.rss;
  if (run.after.hwm > run.before.hwm) peak = Math.max(peak, run.after.hwm);
  return Math.max(0, peak - run.before.rss);
}

export function withinExportMemoryBudget(run: ExportMemory, budgetKb = EXPORT_MEMORY_BUDGET_KB): boolean {
  return exportMemoryGrowthKb(run) < budgetKb;
}
