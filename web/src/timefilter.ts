// Time window filtering for the link chart and the map (pure functions).

export interface Timed {
  since?: string | null;
  until?: string | null;
}

const DAY = 86_400_000;

/** Milliseconds since the epoch for an ISO date or datetime (YYYY, YYYY-MM, YYYY-MM-DD...), or null. */
export function toTime(s: string | null | undefined): number | null {
  if (!s) return null;
  const m = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?/.exec(s);
  if (!m) return null;
  if (s.length > 10) {
    const t = Date.parse(s);
    if (!Number.isNaN(t)) return t;
  }
  return Date.UTC(Number(m[1]), m[2] ? Number(m[2]) - 1 : 0, m[3] ? Number(m[3]) : 1);
}

/** Earliest and latest date among the items, or null when none is dated. */
export function timeBounds(items: Timed[]): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const it of items) {
    for (const t of [toTime(it.since), toTime(it.until)]) {
      if (t === null) continue;
      if (t < lo) lo = t;
      if (t > hi) hi = t;
    }
  }
  return lo === Infinity ? null : [lo, hi];
}

/**
 * True when the item's interval [since, until] overlaps the window [from, to].
 * An undated item (no since, no until) is always shown; an open end extends to infinity;
 * an item with only `since` is a point in time.
 */
export function inWindow(it: Timed, from: number, to: number): boolean {
  const s = toTime(it.since);
  const u = toTime(it.until);
  if (s === null && u === null) return true;
  const start = s ?? -Infinity;
  const end = u ?? (s ?? Infinity);
  return start <= to && end >= from;
}

export function filterByWindow<T extends Timed>(items: T[], from: number | null, to: number | null): T[] {
  if (from === null || to === null) return items;
  return items.filter((it) => inWindow(it, from, to));
}

/** Snaps a time to the start of its day (slider steps are days). */
export function dayFloor(t: number): number {
  return Math.floor(t / DAY) * DAY;
}

export function fmtDate(t: number | string | null | undefined): string {
  if (t === null || t === undefined || t === '') return '';
  const v = typeof t === 'number' ? t : toTime(t);
  if (v === null) return String(t);
  return new Date(v).toISOString().slice(0, 10);
}

export { DAY };
