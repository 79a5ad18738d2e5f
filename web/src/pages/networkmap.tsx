import { useMemo, useState } from 'preact/hooks';
import { api, type Place } from '../api';
import { districtsOnce } from '../sgindex';
import { ErrorBox, Loading, PurposeGate, Section } from '../components';
import { useAsync } from '../hooks';
import { PlaceLegend, PlacesMap, placeKind, PLACE_STYLE } from '../maps';
import { href } from '../router';
import { DAY, dayFloor, filterByWindow, fmtDate, timeBounds } from '../timefilter';

export function NetworkMapPage({ id }: { id: string }) {
  return (
    <PurposeGate>
      <Inner id={id} />
    </PurposeGate>
  );
}

function Inner({ id }: { id: string }) {
  const res = useAsync(() => Promise.all([api.network(id), districtsOnce()]), [id]);
  if (res.error) return <ErrorBox error={res.error} onRetry={res.reload} />;
  if (!res.data) return <Loading what="Loading network places" />;
  const [d, districts] = res.data;
  return <MapView id={id} places={d.places ?? []} districts={districts} summary={d.summary ?? ''} />;
}

function MapView({ id, places, districts, summary }: { id: string; places: Place[]; districts: { district: string; force_id: string; latitude: number; longitude: number }[]; summary: string }) {
  const timed = useMemo(() => places.map((p) => ({ ...p, since: p.when ?? null, until: p.when ?? null })), [places]);
  const bounds = timeBounds(timed);
  const lo = bounds ? dayFloor(bounds[0]) : 0;
  const hi = bounds ? dayFloor(bounds[1]) + DAY - 1 : 0;
  const [win, setWin] = useState<[number, number]>([lo, hi]);
  const [kinds, setKinds] = useState<Set<string>>(new Set(Object.keys(PLACE_STYLE)));
  const shown = filterByWindow(timed, bounds ? win[0] : null, bounds ? win[1] : null).filter((p) => kinds.has(placeKind(p.kind)));
  const located = places.filter((p) => typeof p.latitude === 'number');
  return (
    <>
      <h1>Map of network {id}</h1>
      <p class="small">{summary} · <a href={href('network', id)}>Back to the link chart</a></p>
      <div class="grid-2 map-grid">
        <Section title="Offences, addresses and missing-episode locations">
          <PlacesMap
            places={shown}
            fitTo={located}
            backdrop={districts}
            width={640}
            height={460}
            label={`Map of network ${id}: ${shown.length} of ${places.length} places shown between ${fmtDate(win[0])} and ${fmtDate(win[1])}; they are listed in the table.`}
          />
        </Section>
        <div class="stack">
          <fieldset>
            <legend>Show</legend>
            {Object.entries(PLACE_STYLE).map(([k, st]) => (
              <div class="check">
                <input type="checkbox" id={`pk-${k}`} checked={kinds.has(k)} onChange={() => setKinds((s) => { const n = new Set(s); if (n.has(k)) n.delete(k); else n.add(k); return n; })} />
                <label for={`pk-${k}`}>{st.label} ({places.filter((p) => placeKind(p.kind) === k).length})</label>
              </div>
            ))}
          </fieldset>
          <PlaceLegend />
          <fieldset class="time">
            <legend>Time window</legend>
            {bounds ? (
              <div class="sliders">
                <label for="m-from">From <output>{fmtDate(win[0])}</output></label>
                <input id="m-from" type="range" min={lo} max={hi} step={DAY} value={win[0]} onInput={(e) => { const v = Number((e.target as HTMLInputElement).value); setWin([Math.min(v, win[1]), win[1]]); }} />
                <label for="m-to">Until <output>{fmtDate(win[1])}</output></label>
                <input id="m-to" type="range" min={lo} max={hi} step={DAY} value={win[1]} onInput={(e) => { const v = Number((e.target as HTMLInputElement).value); setWin([win[0], Math.max(v, win[0])]); }} />
                <button type="button" onClick={() => setWin([lo, hi])}>All time</button>
              </div>
            ) : <p class="small muted">No dated places.</p>}
          </fieldset>
        </div>
      </div>
      <Section title={`Places shown (${shown.length})`}>
        <div class="table-scroll short">
          <table class="small">
            <caption class="sr-only">Places shown on the map</caption>
            <thead><tr><th scope="col">When</th><th scope="col">What</th><th scope="col">Place</th><th scope="col">Latitude, longitude</th></tr></thead>
            <tbody>
              {[...shown].sort((a, b) => String(a.when ?? '').localeCompare(String(b.when ?? ''))).map((p) => (
                <tr><td>{p.when ?? ''}</td><td>{PLACE_STYLE[placeKind(p.kind)].label} <span class="muted">({p.kind})</span></td><td>{p.label}</td><td>{typeof p.latitude === 'number' ? `${p.latitude.toFixed(3)}, ${(p.longitude as number).toFixed(3)}` : '—'}</td></tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
    </>
  );
}
