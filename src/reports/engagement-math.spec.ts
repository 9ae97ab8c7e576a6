import { replyRate, summariseVariants } from './engagement-math.js';

describe('replyRate', () => {
  it.each([
    [0, 0, 0],
    [5, 0, 0],
    [1, 3, 0.3333],
    [50, 100, 0.5],
    [100, 100, 1],
  ])('%i replied of %i delivered → %d', (replied, delivered, expected) => {
    expect(replyRate(replied, delivered)).toBe(expected);
  });
});

describe('summariseVariants', () => {
  const row = (variant: string, status: string, count: number, extra: Partial<Record<'sent' | 'delivered' | 'read' | 'replied' | 'clicked' | 'opted_out', number>> = {}) => ({
    variant,
    status,
    count,
    sent: 0,
    delivered: 0,
    read: 0,
    replied: 0,
    clicked: 0,
    opted_out: 0,
    ...extra,
  });

  it.each([
    [
      'two variants, in the campaign order, buttons per variant',
      ['A', 'B'],
      [row('B', 'read', 4, { sent: 4, delivered: 4, read: 4, replied: 2, clicked: 1 }), row('A', 'delivered', 3, { sent: 3, delivered: 3 }), row('A', 'skipped', 1)],
      [{ variant: 'B', payload: 'YES', text: 'Yes', count: 1 }],
      [
        { name: 'A', total: 4, counts: { delivered: 3, skipped: 1 }, reached: { sent: 3, delivered: 3, read: 0 }, engagement: { replied: 0, clicked: 0, optedOut: 0, replyRate: 0, buttons: [] } },
        {
          name: 'B',
          total: 4,
          counts: { read: 4 },
          reached: { sent: 4, delivered: 4, read: 4 },
          engagement: { replied: 2, clicked: 1, optedOut: 0, replyRate: 0.5, buttons: [{ payload: 'YES', text: 'Yes', count: 1 }] },
        },
      ],
    ],
    ['a variant without recipients', ['A'], [], [], [{ name: 'A', total: 0, counts: {}, reached: { sent: 0, delivered: 0, read: 0 }, engagement: { replied: 0, clicked: 0, optedOut: 0, replyRate: 0, buttons: [] } }]],
  ] as const)('%s', (_name, names, rows, buttons, expected) => {
    const summaries = summariseVariants(names, rows, buttons);
    expect(summaries).toHaveLength(expected.length);
    summaries.forEach((summary, index) => {
      const { counts, ...rest } = expected[index];
      expect(summary).toMatchObject(rest);
      // every status is present; the listed ones carry their counts
      expect(Object.entries(summary.counts).filter(([, count]) => count > 0)).toEqual(Object.entries(counts));
      expect(summary.counts.pending).toBe((counts as Record<string, number>).pending ?? 0);
    });
  });
});
