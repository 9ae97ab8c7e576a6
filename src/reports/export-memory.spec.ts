// The table test of bench:report's memory verdict (scripts/lib/export-memory.ts). It lives here because
// jest's unit project collects src/**/*.spec.ts only.
import { EXPORT_MEMORY_BUDGET_KB, type ExportMemory, exportMemoryGrowthKb, withinExportMemoryBudget } from '../../scripts/lib/export-memory.js';

const MB = 1024;
const run = (beforeRss: number, beforeHwm: number, samples: number[], afterRss: number, afterHwm: number): ExportMemory => ({
  before: { rss: beforeRss * MB, hwm: beforeHwm * MB },
  after: { rss: afterRss * MB, hwm: afterHwm * MB },
  samples: samples.map((rss) => ({ rss: rss * MB })),
});

describe('bench:report export memory verdict', () => {
  it.each<[string, ExportMemory, number, boolean]>([
    ['streaming: RSS wobbles a few MB', run(120, 180, [124, 131, 128, 133], 126, 180), 13, true],
    ['streaming, the first export sets a new peak', run(120, 125, [130, 150, 140], 135, 152), 32, true],
    // the case the old check (second peak vs first peak) passed: both exports reach the same high peak
    ['buffering, first export: the whole file in memory', run(120, 125, [200, 290, 280], 160, 300), 180, false],
    ['buffering, second export: VmHWM does not rise again, the samples see it', run(160, 300, [210, 295, 290], 170, 300), 135, false],
    ['a spike between two samples shows in VmHWM', run(120, 125, [130, 132], 128, 200), 80, false],
    ['VmHWM from before the export does not count', run(120, 400, [125, 130], 126, 400), 10, true],
    ['RSS that shrank', run(200, 250, [190, 180], 170, 250), 0, true],
    ['exactly the budget is over it', run(100, 100, [164], 120, 164), 64, false],
  ])('%s: grows %d MB, within the budget %p', (_name, memory, growthMb, ok) => {
    expect(exportMemoryGrowthKb(memory)).toBe(growthMb * MB);
    expect(withinExportMemoryBudget(memory)).toBe(ok);
  });

  it('the budget is 64 MB', () => {
    expect(EXPORT_MEMORY_BUDGET_KB).toBe(64 * MB);
  });
});
