/**
 * Maths for the time chart: cumulative sent and delivered over time from the report's timeseries,
 * scaled into an SVG box. Pure, so a 1M-recipient campaign costs the page at most the ~900 points the
 * engine answers, whatever its size.
 */
export interface Point {
  t: string;
  sent: number;
  delivered: number;
}

export interface Series {
  bucket: string;
  items: Point[];
}

/**
 * Merges an incremental answer (`from` = the last bucket shown) into what the page holds. The last
 * bucket is re-sent whole by the engine, so a bucket in both is taken from the newer answer. When the
 * engine changed the bucket size (the campaign outgrew it), the new answer is not a slice of the old
 * one: the caller must fetch the whole series again (`null`).
 */
export function mergeSeries(held: Series | null, incoming: Series): Series | null {
  if (!held) return incoming;
  if (held.bucket !== incoming.bucket) return null;
  if (incoming.items.length === 0) return held;
  const firstNew = incoming.items[0].t;
  const kept = held.items.filter((point) => point.t < firstNew);
  return { bucket: incoming.bucket, items: [...kept, ...incoming.items] };
}

export interface ChartGeometry {
  sent: string;
  delivered: string;
  maxY: number;
  totalSent: number;
  totalDelivered: number;
  start: number | null;
  end: number | null;
}

/** SVG polyline `points` for the cumulative lines in a width × height box (y grows down). */
/** `top`: the value at the top edge (the highest axis tick); at least the largest total. */
export function chartGeometry(items: Point[], width: number, height: number, top = 0): ChartGeometry {
  const points = [...items].sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
  let sent = 0;
  let delivered = 0;
  const cumulative = points.map((point) => {
    sent += point.sent;
    delivered += point.delivered;
    return { x: Date.parse(point.t), sent, delivered };
  });
  const maxY = Math.max(1, sent, delivered, top);
  if (cumulative.length === 0) return { sent: '', delivered: '', maxY, totalSent: 0, totalDelivered: 0, start: null, end: null };
  const start = cumulative[0].x;
  const end = cumulative[cumulative.length - 1].x;
  // Each line starts from 0 at the first bucket; a point stands at the end of its bucket's column
  // (n buckets: n columns), so even a campaign sent within one bucket draws a rising line.
  const columns = cumulative.length;
  const span = Math.max(1, end - start);
  const xOf = (x: number) => (columns === 1 ? width : ((x - start) / span) * width * ((columns - 1) / columns) + width / columns);
  const yOf = (y: number) => height - (y / maxY) * height;
  const line = (key: 'sent' | 'delivered') =>
    [`0,${height}`, ...cumulative.map((point) => `${round(xOf(point.x))},${round(yOf(point[key]))}`)].join(' ');
  return { sent: line('sent'), delivered: line('delivered'), maxY, totalSent: sent, totalDelivered: delivered, start, end };
}

/** About `count` round tick values from 0 to the first one at or above max (1, 2, 5 × 10^n steps). */
export function yTicks(max: number, count = 4): number[] {
  if (max <= 0) return [0];
  const rough = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((candidate) => candidate >= rough) ?? 10 * magnitude;
  const ticks: number[] = [];
  for (let value = 0; value < max + step; value += step) ticks.push(value);
  return ticks;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
