// SVG maps drawn from shipped reference points (no tile server, no network).
import { useMemo, useState } from 'preact/hooks';
import type { District, ForcePicture, Place } from './api';
import { fitProjection, hexbin, hexPath } from './projection';

// Ten pale region tints (background context; the data is in the outlined force bubbles on top).
const REGION_TINTS = ['#cfe3f3', '#f7d9c4', '#d4ecd9', '#efd3e6', '#f3ebc0', '#dcd6f0', '#c9ebe8', '#f2cfcf', '#e3e3e3', '#e6efc6', '#d9e7f7', '#f5e0d0'];

export function regionTint(regionIds: string[], id: string): string {
  const i = regionIds.indexOf(id);
  return REGION_TINTS[(i < 0 ? regionIds.length : i) % REGION_TINTS.length];
}

export interface EWMapProps {
  districts: District[];
  forces: ForcePicture[];
  forceRegion: Record<string, string>; // force_id -> region_id
  regionNames: Record<string, string>;
  measure: 'networks' | 'alerts' | 'safeguarding';
  selected?: string | null;
  onSelect?: (forceId: string) => void;
}

/** Hex map of England and Wales from postcode-district centroids, tinted by region, with force bubbles. */
export function EWMap({ districts, forces, forceRegion, regionNames, measure, selected, onSelect }: EWMapProps) {
  const W = 460;
  const H = 520;
  const regionIds = useMemo(() => Object.keys(regionNames).sort(), [regionNames]);
  const proj = useMemo(() => fitProjection(districts.length ? districts : forces, W, H, 12), [districts, forces]);
  const R = 5;
  const cells = useMemo(() => hexbin(districts, (d) => proj(d.latitude, d.longitude), R), [districts, proj]);
  const max = Math.max(1, ...forces.map((f) => f[measure] ?? 0));
  return (
    <svg
      class="ewmap"
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`Map of England and Wales: postcode districts tinted by region; circles show ${measure} by force (largest ${max}). The same figures are in the table beside the map.`}
    >
      <g aria-hidden="true">
        {cells.map((c) => {
          const counts = new Map<string, number>();
          for (const d of c.items) {
            const r = forceRegion[d.force_id] ?? '';
            counts.set(r, (counts.get(r) ?? 0) + 1);
          }
          const region = [...counts.entries()].sort((a, b) => b[1] - a[1])[0][0];
          return <path d={hexPath(c.x, c.y, R - 0.4)} fill={regionTint(regionIds, region)} />;
        })}
      </g>
      {forces
        .filter((f) => Number.isFinite(f.latitude) && Number.isFinite(f.longitude))
        .map((f) => {
          const [x, y] = proj(f.latitude, f.longitude);
          const v = f[measure] ?? 0;
          const r = v ? 4 + 16 * Math.sqrt(v / max) : 2.5;
          const sel = selected === f.force_id;
          return (
            <g
              class={`force-bubble ${sel ? 'sel' : ''}`}
              tabIndex={onSelect ? 0 : undefined}
              role={onSelect ? 'button' : undefined}
              aria-label={`${f.name}: ${f.networks} networks, ${f.alerts} alerts, ${f.safeguarding} people to safeguard`}
              onClick={() => onSelect?.(f.force_id)}
              onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && (e.preventDefault(), onSelect?.(f.force_id))}
            >
              <title>{`${f.name} (${regionNames[f.region_id] ?? f.region_id}): ${f.networks} networks, ${f.alerts} alerts, ${f.safeguarding} to safeguard`}</title>
              <circle cx={x} cy={y} r={r} class={v ? 'has' : 'zero'} />
              {v ? (
                <text x={x} y={y + 3.5} text-anchor="middle" class="bubble-text">
                  {v}
                </text>
              ) : null}
            </g>
          );
        })}
    </svg>
  );
}

export function RegionLegend({ regionNames }: { regionNames: Record<string, string> }) {
  const ids = Object.keys(regionNames).sort();
  return (
    <ul class="legend regions" aria-label="Regions">
      {ids.map((id) => (
        <li>
          <span class="swatch" style={{ background: regionTint(ids, id) }} aria-hidden="true" />
          {regionNames[id]}
        </li>
      ))}
    </ul>
  );
}

export const PLACE_STYLE: Record<string, { colour: string; symbol: string; label: string }> = {
  offence: { colour: '#D55E00', symbol: 'triangle', label: 'Offence' },
  address: { colour: '#0072B2', symbol: 'square', label: 'Address' },
  missing: { colour: '#009E73', symbol: 'circle', label: 'Missing episode: found at' },
  other: { colour: '#555555', symbol: 'diamond', label: 'Other police contact (custody, stop, intelligence)' },
};

export function placeKind(kind: string | undefined): keyof typeof PLACE_STYLE {
  const k = (kind ?? '').toLowerCase();
  if (k.includes('missing') || k.includes('found')) return 'missing';
  if (k.includes('offence') || k.includes('crime')) return 'offence';
  if (['residential', 'hmo', 'commercial', 'hotel', 'public', 'unknown', 'location', 'address', 'home'].some((x) => k.includes(x))) return 'address';
  return 'other';
}

function Symbol({ x, y, kind, r = 6 }: { x: number; y: number; kind: string; r?: number }) {
  const st = PLACE_STYLE[kind] ?? PLACE_STYLE.other;
  const common = { fill: st.colour, stroke: '#000', 'stroke-width': 1, 'fill-opacity': 0.85 };
  if (st.symbol === 'triangle') return <path d={`M${x},${y - r}L${x + r},${y + r * 0.8}L${x - r},${y + r * 0.8}Z`} {...common} />;
  if (st.symbol === 'square') return <rect x={x - r * 0.8} y={y - r * 0.8} width={r * 1.6} height={r * 1.6} {...common} />;
  if (st.symbol === 'diamond') return <path d={`M${x},${y - r}L${x + r},${y}L${x},${y + r}L${x - r},${y}Z`} {...common} />;
  return <circle cx={x} cy={y} r={r * 0.85} {...common} />;
}

export function PlaceLegend() {
  return (
    <ul class="legend" aria-label="Map symbols">
      {Object.entries(PLACE_STYLE).map(([k, st]) => (
        <li>
          <svg width="16" height="16" aria-hidden="true">
            <Symbol x={8} y={8} kind={k} r={6} />
          </svg>
          {st.label}
        </li>
      ))}
    </ul>
  );
}

/** Scatter of places projected from latitude/longitude, over a faint backdrop of district points. */
export function PlacesMap({
  places,
  backdrop = [],
  width = 520,
  height = 420,
  label,
  fitTo,
}: {
  places: Place[];
  backdrop?: District[];
  width?: number;
  height?: number;
  label: string;
  fitTo?: Place[];
}) {
  const [hover, setHover] = useState<number | null>(null);
  const located = places.filter((p) => typeof p.latitude === 'number' && typeof p.longitude === 'number');
  const proj = useMemo(() => fitProjection(fitTo?.length ? fitTo : located, width, height, 24), [fitTo, located.length, width, height]);
  const back = useMemo(
    () =>
      backdrop
        .map((d) => proj(d.latitude, d.longitude))
        .filter(([x, y]) => x >= -5 && y >= -5 && x <= width + 5 && y <= height + 5),
    [backdrop, proj, width, height],
  );
  return (
    <figure class="placesmap">
      <svg viewBox={`0 0 ${width} ${height}`} role="img" aria-label={label}>
        <rect width={width} height={height} class="sea" />
        <g aria-hidden="true" class="backdrop">
          {back.map(([x, y]) => (
            <circle cx={x} cy={y} r={1.6} />
          ))}
        </g>
        {located.map((p, i) => {
          const [x, y] = proj(p.latitude as number, p.longitude as number);
          return (
            <g onMouseEnter={() => setHover(i)} onMouseLeave={() => setHover(null)} onFocus={() => setHover(i)} onBlur={() => setHover(null)} tabIndex={0} aria-label={`${p.label ?? p.kind} ${p.when ?? ''}`}>
              <title>{`${p.label ?? ''} (${p.kind ?? ''}) ${p.when ?? ''}`}</title>
              <Symbol x={x} y={y} kind={placeKind(p.kind)} />
            </g>
          );
        })}
        {hover !== null && located[hover] ? (
          <text x={8} y={height - 10} class="map-caption">
            {`${located[hover].label ?? ''} · ${located[hover].kind ?? ''} · ${located[hover].when ?? ''}`}
          </text>
        ) : null}
      </svg>
      {located.length < places.length ? <figcaption class="muted">{places.length - located.length} place(s) without coordinates are listed only.</figcaption> : null}
    </figure>
  );
}
