/** Formatting for the console: numbers, shares, times, durations, money. Pure. */
const numberFormat = new Intl.NumberFormat('en-US');

export function formatNumber(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : numberFormat.format(value);
}

/** `part` of `whole` as a percentage with one decimal; '—' when there is no whole. */
export function formatPercent(part: number, whole: number): string {
  if (!whole || whole <= 0) return '—';
  const share = (part / whole) * 100;
  return `${share >= 99.95 && part < whole ? '99.9' : share.toFixed(1)}%`;
}

/** A share 0–100 for a progress bar width, clamped. */
export function percentOf(part: number, whole: number): number {
  if (!whole || whole <= 0) return 0;
  return Math.min(100, Math.max(0, (part / whole) * 100));
}

export function formatDateTime(iso: string | null | undefined, timeZone?: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return date.toLocaleString('en-GB', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', timeZone });
}

/** 3725 → "1 h 2 min"; 42 → "42 s". */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) {
    const rest = s % 60;
    return rest ? `${Math.floor(s / 60)} min ${rest} s` : `${s / 60} min`;
  }
  if (s < 86400) {
    const minutes = Math.floor((s % 3600) / 60);
    return minutes ? `${Math.floor(s / 3600)} h ${minutes} min` : `${s / 3600} h`;
  }
  const hours = Math.floor((s % 86400) / 3600);
  return hours ? `${Math.floor(s / 86400)} d ${hours} h` : `${s / 86400} d`;
}

export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined || !Number.isFinite(perSecond)) return '—';
  return `${perSecond >= 10 ? Math.round(perSecond) : perSecond.toFixed(1)} msg/s`;
}

export function formatMoney(amount: number | null | undefined, currency: string): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return '—';
  try {
    return new Intl.NumberFormat('en-US', { style: 'currency', currency, maximumFractionDigits: 4 }).format(amount);
  } catch {
    return `${amount.toFixed(4)} ${currency}`;
  }
}

/** `datetime-local` input value ("2026-12-01T09:00") → ISO 8601 with the browser's offset. */
export function localInputToIso(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(value)) return null;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return null;
  const offset = -date.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  const pad = (n: number) => String(Math.floor(Math.abs(n))).padStart(2, '0');
  const seconds = value.length === 16 ? ':00' : '';
  return `${value}${seconds}${sign}${pad(offset / 60)}:${pad(offset % 60)}`;
}

/** Status words for people: `campaign_paused` → "campaign paused". */
export function humanize(code: string): string {
  return code.replace(/_/g, ' ');
}

/** A decimal-string amount of the engine ("0.5868") with its currency; the string's own digits are kept. */
export function formatAmount(amount: string | null | undefined, currency: string): string {
  if (amount === null || amount === undefined || !/^-?\d+(\.\d+)?$/.test(amount)) return '—';
  return `${amount} ${currency}`;
}

/** A 0–1 rate as a percentage with one decimal. */
export function formatRatio(rate: number | null | undefined): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return '—';
  return `${(rate * 100).toFixed(1)}%`;
}
