import { toTime, fmtDate } from './timefilter';
import { GradingBadge } from './components';

export interface TimelineItem {
  when?: string | null;
  kind?: string;
  label?: string;
  force?: string;
  grading?: string | null;
  event_id?: string;
}

/** A horizontal strip of events by date, plus the same events as an accessible list. */
export function Timeline({ items, title = 'Timeline' }: { items: TimelineItem[]; title?: string }) {
  const dated = items
    .map((it) => ({ it, t: toTime(it.when ?? null) }))
    .filter((x): x is { it: TimelineItem; t: number } => x.t !== null)
    .sort((a, b) => a.t - b.t);
  if (!items.length) return <p class="muted">No events.</p>;
  const W = 640;
  const H = 56;
  const lo = dated.length ? dated[0].t : 0;
  const hi = dated.length ? dated[dated.length - 1].t : 1;
  const x = (t: number) => 16 + ((W - 32) * (t - lo)) / Math.max(1, hi - lo);
  const kinds = [...new Set(dated.map((d) => d.it.kind ?? ''))];
  const colours = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];
  return (
    <div class="timeline">
      {dated.length ? (
        <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`${title}: ${dated.length} events from ${fmtDate(lo)} to ${fmtDate(hi)}; listed below.`}>
          <line x1={16} x2={W - 16} y1={28} y2={28} stroke="#555" />
          {dated.map(({ it, t }) => (
            <circle cx={x(t)} cy={28} r={5} fill={colours[kinds.indexOf(it.kind ?? '') % colours.length]} stroke="#000" fill-opacity={0.8}>
              <title>{`${fmtDate(t)} ${it.kind ?? ''}: ${it.label ?? ''}`}</title>
            </circle>
          ))}
          <text x={16} y={52} class="axis">{fmtDate(lo)}</text>
          <text x={W - 16} y={52} class="axis" text-anchor="end">{fmtDate(hi)}</text>
        </svg>
      ) : null}
      <ol class="timeline-list">
        {dated.map(({ it, t }) => (
          <li>
            <time dateTime={fmtDate(t)}>{fmtDate(t)}</time>{' '}
            <span class="tkind" style={{ borderColor: colours[kinds.indexOf(it.kind ?? '') % colours.length] }}>{it.kind}</span> {it.label}
            {it.force ? <span class="muted"> · {it.force}</span> : null}
            {it.grading !== undefined ? <> <GradingBadge grading={it.grading} /></> : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
