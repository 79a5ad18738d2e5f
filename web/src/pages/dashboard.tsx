import { useMemo, useState } from 'preact/hooks';
import { api, itemsOf, type Alert, type NetworkSummary, type SafeguardingItem } from '../api';
import { ErrorBox, listText, Loading, Section, Tabs, VictimBadge } from '../components';
import { victimStatus } from '../safeguard';
import { useAsync } from '../hooks';
import { EWMap, RegionLegend } from '../maps';
import { href } from '../router';

export function NetworkTable({ rows, caption }: { rows: NetworkSummary[]; caption: string }) {
  if (!rows.length) return <p class="muted">No networks.</p>;
  return (
    <table>
      <caption class="sr-only">{caption}</caption>
      <thead>
        <tr><th scope="col">Rank</th><th scope="col">Network</th><th scope="col">Score</th><th scope="col">Threats</th><th scope="col">Forces</th><th scope="col">Owner</th><th scope="col">Members</th></tr>
      </thead>
      <tbody>
        {rows.map((n) => (
          <tr>
            <td>{n.rank}</td>
            <td><a href={href('network', n.network_id)}>{n.network_id}</a>{n.summary ? <div class="small muted">{n.summary}</div> : null}</td>
            <td>{typeof n.score === 'number' ? n.score.toFixed(1) : n.score}</td>
            <td>{listText(n.threats)}</td>
            <td>{listText(n.forces)}</td>
            <td>{n.owner ? `${n.owner.level ?? ''} ${n.owner.unit ?? ''}` : ''}</td>
            <td>{n.members_count ?? ''}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SafeguardingTable({ rows, caption, compact = false }: { rows: SafeguardingItem[]; caption: string; compact?: boolean }) {
  if (!rows.length) return <p class="muted">Nobody on the safeguarding list.</p>;
  return (
    <table class={`safeguarding ${compact ? 'compact' : ''}`}>
      <caption class="sr-only">{caption}</caption>
      <thead>
        <tr><th scope="col">#</th><th scope="col">Person (potential victim)</th><th scope="col">Age</th><th scope="col">Safeguarding route</th>{compact ? null : <th scope="col">Indicators</th>}<th scope="col">Network</th></tr>
      </thead>
      <tbody>
        {rows.map((s) => {
          const who = { kind: 'person', age: s.age, indicators: s.indicators, route: s.route, listed: true, nrm: s.nrm_referred };
          const v = victimStatus(who);
          const ind = (s.indicators ?? []).map((i) => (typeof i === 'string' ? i : String(i.indicator ?? i.code ?? i.label ?? ''))).join(', ');
          return (
            <tr>
              <td>{s.rank}</td>
              <td><a href={href('entity', s.entity_id)}>{s.label}</a><br /><VictimBadge person={who} compact /></td>
              <td>{s.age ?? '—'}</td>
              <td class="small route-cell">{compact ? <div class="clamp" title={`${v.route}${ind ? ` Indicators: ${ind}` : ''}`}>{v.route}</div> : v.route}</td>
              {compact ? null : <td class="small">{ind}</td>}
              <td>{s.network_id ? <a href={href('network', s.network_id)}>{s.network_id}</a> : ''}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function AlertList({ rows }: { rows: Alert[] }) {
  if (!rows.length) return <p class="muted">No alerts.</p>;
  const max = Math.max(1, ...rows.map((a) => Math.abs(a.score)));
  return (
    <ul class="alerts">
      {rows.map((a) => (
        <li>
          <span class={`akind k-${a.kind}`}>{a.kind.replace(/_/g, ' ')}</span>
          <span class="bar" aria-hidden="true"><span style={{ width: `${(100 * Math.abs(a.score)) / max}%` }} /></span>
          <span class="score" title="alert score">{a.score.toFixed(2)}</span>
          <span class="summary">{a.summary}</span>
        </li>
      ))}
    </ul>
  );
}

export function DashboardPage() {
  const pic = useAsync(() => api.picture(), []);
  const ref = useAsync(
    () => Promise.all([api.districts(), api.regions(), api.forces()]).then(([d, r, f]) => ({ districts: itemsOf(d), regions: itemsOf(r), forces: itemsOf(f) })),
    [],
  );
  const [measure, setMeasure] = useState<'networks' | 'alerts' | 'safeguarding'>('networks');
  const [selected, setSelected] = useState<string | null>(null);
  const forceRegion = useMemo(() => Object.fromEntries((ref.data?.forces ?? []).map((f) => [f.force_id, f.region_id])), [ref.data]);
  const regionNames = useMemo(() => Object.fromEntries((ref.data?.regions ?? []).map((r) => [r.region_id, r.name])), [ref.data]);
  if (pic.error) return <ErrorBox error={pic.error} onRetry={pic.reload} />;
  if (!pic.data) return <Loading what="Loading the national picture" />;
  const p = pic.data;
  const forces = [...(p.forces ?? [])].sort((a, b) => b[measure] - a[measure] || a.name.localeCompare(b.name));
  const sel = forces.find((f) => f.force_id === selected);
  const regionTotals = new Map<string, { networks: number; alerts: number; safeguarding: number }>();
  for (const f of p.forces ?? []) {
    const t = regionTotals.get(f.region_id) ?? { networks: 0, alerts: 0, safeguarding: 0 };
    t.networks += f.networks; t.alerts += f.alerts; t.safeguarding += f.safeguarding;
    regionTotals.set(f.region_id, t);
  }
  return (
    <div class="dashboard">
      <h1>National picture</h1>
      <div class="grid-2">
        <Section title="England and Wales by force and region" id="map">
          <Tabs label="Measure shown on the map" value={measure} onChange={setMeasure} options={[['networks', 'Networks'], ['alerts', 'Alerts'], ['safeguarding', 'To safeguard']]} />
          <div class="map-wrap">
            {ref.error ? <ErrorBox error={ref.error} /> : null}
            <EWMap districts={ref.data?.districts ?? []} forces={p.forces ?? []} forceRegion={forceRegion} regionNames={regionNames} measure={measure} selected={selected} onSelect={setSelected} />
            <div class="map-side">
              {sel ? (
                <div class="force-detail" aria-live="polite">
                  <h3>{sel.name}</h3>
                  <p class="small">{regionNames[sel.region_id] ?? sel.region_id}</p>
                  <p>{sel.networks} networks · {sel.alerts} alerts · {sel.safeguarding} to safeguard</p>
                  <a href={href('networks', { force: sel.force_id })}>Networks in this force</a>
                </div>
              ) : <p class="small muted">Select a force circle (or Tab to it and press Enter) for its figures.</p>}
              <RegionLegend regionNames={regionNames} />
            </div>
          </div>
          <details>
            <summary>Figures by region and force (table)</summary>
            <table class="small">
              <caption class="sr-only">Figures by region</caption>
              <thead><tr><th scope="col">Region</th><th scope="col">Networks</th><th scope="col">Alerts</th><th scope="col">To safeguard</th></tr></thead>
              <tbody>
                {[...regionTotals.entries()].sort((a, b) => b[1].networks - a[1].networks).map(([r, t]) => (
                  <tr><td>{regionNames[r] ?? r}</td><td>{t.networks}</td><td>{t.alerts}</td><td>{t.safeguarding}</td></tr>
                ))}
              </tbody>
            </table>
            <table class="small">
              <caption class="sr-only">Figures by force</caption>
              <thead><tr><th scope="col">Force</th><th scope="col">Networks</th><th scope="col">Alerts</th><th scope="col">To safeguard</th></tr></thead>
              <tbody>
                {forces.map((f) => <tr><td>{f.name}</td><td>{f.networks}</td><td>{f.alerts}</td><td>{f.safeguarding}</td></tr>)}
              </tbody>
            </table>
          </details>
        </Section>
        <div class="stack">
          <Section title="Trends and alerts">
            <AlertList rows={p.alerts ?? []} />
            <a href={href('alerts')}>All alerts</a>
          </Section>
          <Section title="People to safeguard">
            <SafeguardingTable rows={p.safeguarding ?? []} caption="Top people to safeguard" compact />
            <a href={href('safeguarding')}>Full safeguarding list</a>
          </Section>
        </div>
      </div>
      <Section title="Top networks">
        <NetworkTable rows={p.networks ?? []} caption="Top networks by score" />
      </Section>
    </div>
  );
}
