/** A min-heap of items by due time (ties in insertion order): the webhook dispatcher's schedule. Pure; time is passed in. */
export class TimedQueue<T> {
  private dues: number[] = [];
  private sequences: number[] = [];
  private items: T[] = [];
  private nextSequence = 0;

  get size(): number {
    return this.items.length;
  }

  /** Due time of the earliest item, or undefined when empty. */
  get nextDue(): number | undefined {
    return this.dues[0];
  }

  push(due: number, item: T): void {
    this.dues.push(due);
    this.sequences.push(this.nextSequence++);
    this.items.push(item);
    let index = this.items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.before(index, parent)) break;
      this.swap(index, parent);
      index = parent;
    }
  }

  /** Removes and returns up to `max` items due at or before `now`, earliest first. */
  popDue(now: number, max = Number.POSITIVE_INFINITY): T[] {
    const due: T[] = [];
    while (due.length < max && this.dues.length > 0 && this.dues[0] <= now) due.push(this.popFirst());
    return due;
  }

  clear(): T[] {
    const all = this.items;
    this.dues = [];
    this.sequences = [];
    this.items = [];
    return all;
  }

  private popFirst(): T {
    const first = this.items[0];
    const lastDue = this.dues.pop() as number;
    const lastSequence = this.sequences.pop() as number;
    const lastItem = this.items.pop() as T;
    if (this.items.length > 0) {
      this.dues[0] = lastDue;
      this.sequences[0] = lastSequence;
      this.items[0] = lastItem;
      let index = 0;
      for (;;) {
        const left = index * 2 + 1;
        const right = left + 1;
        let smallest = index;
        if (left < this.dues.length && this.before(left, smallest)) smallest = left;
        if (right < this.dues.length && this.before(right, smallest)) smallest = right;
        if (smallest === index) break;
        this.swap(index, smallest);
        index = smallest;
      }
    }
    return first;
  }

  private before(a: number, b: number): boolean {
    return this.dues[a] < this.dues[b] || (this.dues[a] === this.dues[b] && this.sequences[a] < this.sequences[b]);
  }

  private swap(a: number, b: number): void {
    [this.dues[a], this.dues[b]] = [this.dues[b], this.dues[a]];
    [this.sequences[a], this.sequences[b]] = [this.sequences[b], this.sequences[a]];
    [this.items[a], this.items[b]] = [this.items[b], this.items[a]];
  }
}
