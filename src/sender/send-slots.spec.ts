import { SendSlots } from './send-slots.js';

describe('SendSlots', () => {
  it('lets `size` calls in at once and the next ones in order, each as a slot is freed', async () => {
    const slots = new SendSlots(2);
    const entered: number[] = [];
    const enter = (n: number) => slots.acquire().then(() => entered.push(n));
    const all = [1, 2, 3, 4].map(enter);
    await Promise.resolve();
    await Promise.resolve();
    expect(entered).toEqual([1, 2]);
    expect(slots.queued).toBe(2);
    slots.release();
    await all[2];
    expect(entered).toEqual([1, 2, 3]);
    slots.release();
    await all[3];
    expect(entered).toEqual([1, 2, 3, 4]);
    expect(slots.queued).toBe(0);
  });

  it('frees a slot when nobody waits, so the next call enters at once', async () => {
    const slots = new SendSlots(1);
    await slots.acquire();
    slots.release();
    let entered = false;
    void slots.acquire().then(() => (entered = true));
    await Promise.resolve();
    expect(entered).toBe(true);
  });
});
