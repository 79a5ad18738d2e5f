import { useState } from 'preact/hooks';
import { api, type LinkItem, type Profile, type SourceRecord } from '../api';
import { ErrorBox, Evidence, GradingBadge, listText, Loading, PurposeGate, RoleChip, Section, VictimBadge } from '../components';
import { useState as useStateL } from 'preact/hooks';
import { useAsync } from '../hooks';
import { PlaceLegend, PlacesMap } from '../maps';
import { href } from '../router';
import { displayRole, victimStatus } from '../safeguard';
import { Timeline } from '../timeline';
import { districtsOnce, safeguardingIndex } from '../sgindex';
import type { District, SafeguardingItem } from '../api';

// loading lineage shown under the record id, and values derived from others
const HIDDEN_FIELDS = new Set(['load_id', 'file', 'line', 'dob_year', 'dob_month', 'dob_day']);

function fmt(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : v.toFixed(3);
  return listText(v);
}

export function ExplainView({ data }: { data: Record<string, unknown> }) {
  const comps = (data.comparisons ?? data.contributions ?? data.features ?? []) as Record<string, unknown>[];
  const rest = Object.entries(data).filter(([k]) => !['comparisons', 'contributions', 'features'].includes(k));
  return (
    <div class="explain">
      <dl class="kv">
        {rest.map(([k, v]) => (
          <><dt>{k.replace(/_/g, ' ')}</dt><dd>{fmt(v)}</dd></>
        ))}
      </dl>
      {Array.isArray(comps) && comps.length ? (
        <table class="small">
          <caption>Contribution of each comparison</caption>
          <thead><tr>{Object.keys(comps[0]).map((k) => <th scope="col">{k.replace(/_/g, ' ')}</th>)}</tr></thead>
          <tbody>{comps.map((c) => <tr>{Object.values(c).map((v) => <td>{fmt(v)}</td>)}</tr>)}</tbody>
        </table>
      ) : null}
    </div>
  );
}

function RecordRow({ r, first, explainable }: { r: SourceRecord; first: SourceRecord; explainable: boolean }) {
  const [open, setOpen] = useState(false);
  const [exp, setExp] = useState<{ data?: Record<string, unknown>; error?: Error } | null>(null);
  const same = r.source_id === first.source_id && r.ref === first.ref;
  return (
    <>
      <tr>
        <td><code>{r.source_id}:{r.ref}</code>{r.fields?.file ? <div class="small muted">loaded from {String(r.fields.file)}{r.fields.line !== undefined ? ` line ${String(r.fields.line)}` : ''}</div> : null}</td>
        <td>{r.source_name ?? ''}<div class="small muted">{r.owner ?? ''}</div></td>
        <td>{r.kind ?? ''}</td>
        <td>{r.classification ?? ''}</td>
        <td><GradingBadge grading={r.grading} />{r.handling ? <div class="small">{r.handling}</div> : null}</td>
        <td class="fields small">
          {Object.entries(r.fields ?? {}).filter(([k, v]) => v !== null && v !== '' && !HIDDEN_FIELDS.has(k)).map(([k, v]) => <span><b>{k.replace(/_/g, ' ')}</b> {fmt(v)}; </span>)}
        </td>
        <td>
          {explainable && !same ? (
            <button
              type="button"
              aria-expanded={open}
              onClick={async () => {
                setOpen(!open);
                if (!exp) {
                  try {
                    setExp({ data: await api.explain(`${first.source_id}:${first.ref}`, `${r.source_id}:${r.ref}`) });
                  } catch (e) {
                    setExp({ error: e as Error });
                  }
                }
              }}
            >
              Why linked?
            </button>
          ) : same && explainable ? <span class="small muted">reference record</span> : null}
        </td>
      </tr>
      {open ? (
        <tr class="explain-row">
          <td colSpan={7}>
            {exp?.error ? <ErrorBox error={exp.error} /> : exp?.data ? <ExplainView data={exp.data} /> : <Loading what="Explaining" />}
          </td>
        </tr>
      ) : null}
    </>
  );
}

function LinkRow({ l, self }: { l: LinkItem; self: string }) {
  const other = (l.other_id as string | undefined) ?? (l.source === self ? l.target : l.source) ?? '';
  const otherLabel = (l.other_label as string | undefined) ?? (l.label as string | undefined) ?? other;
  const expl = (l.explanation ?? l.reason ?? l.evidence) as unknown;
  return (
    <tr>
      <td>{(l.type ?? '').replace(/_/g, ' ')}</td>
      <td>{other ? <a href={href('entity', other)}>{otherLabel}</a> : otherLabel}</td>
      <td>{l.since ?? ''}{l.until ? ` – ${l.until}` : ''}</td>
      <td><GradingBadge grading={l.grading} /></td>
      <td><code class="small">{l.source_id ? `${l.source_id}:${l.ref}` : ''}</code></td>
      <td class="small">{expl ? fmt(expl) : `Recorded in ${l.source_id ?? 'a source'} record ${l.ref ?? ''}`}</td>
    </tr>
  );
}

function ProfileView({ p, sg, districts }: { p: Profile; sg?: SafeguardingItem; districts: District[] }) {
  const attrs = p.attributes ?? {};
  const person = { kind: p.kind, attributes: attrs, indicators: p.indicators, route: p.safeguarding?.route ?? sg?.route, age: p.safeguarding?.age ?? sg?.age, listed: !!sg || !!p.safeguarding, nrm: sg?.nrm_referred };
  const v = victimStatus(person);
  const first = p.records[0];
  const [allLinks, setAllLinks] = useStateL(false);
  const nets = (p.networks ?? []).map((n) => (typeof n === 'string' ? { network_id: n } : n));
  return (
    <>
      <header class="profile-head">
        <h1>
          {p.label} <span class="muted small">{p.kind} · {p.entity_id}</span>
        </h1>
        {v.potentialVictim ? <div class="safeguard-callout" role="note"><VictimBadge person={person} /></div> : null}
      </header>
      <div class="grid-2">
        <Section title="Details">
          <dl class="kv">
            {Object.entries(attrs).filter(([, val]) => val !== null && val !== '' && !(Array.isArray(val) && !val.length)).map(([k, val]) => (
              <><dt>{k.replace(/_/g, ' ')}</dt><dd>{fmt(val)}</dd></>
            ))}
          </dl>
          {nets.length ? (
            <>
              <h3>Networks</h3>
              <ul>
                {nets.map((n) => (
                  <li>
                    <a href={href('network', n.network_id, { focus: p.entity_id })}>Open network {n.network_id}</a>{' '}
                    {n.role ? <RoleChip role={displayRole({ ...person, role: n.role })} /> : null}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
          {p.indicators?.length ? (
            <>
              <h3>Indicators</h3>
              <ul class="small">
                {p.indicators.map((i) =>
                  typeof i === 'string' ? <li>{i}</li> : (
                    <li>
                      <b>{String(i.indicator ?? i.code ?? i.label ?? '')}</b>
                      {i.weight !== undefined ? ` (weight ${fmt(i.weight)})` : ''}
                      {i.evidence ? <Evidence items={i.evidence} /> : null}
                    </li>
                  ),
                )}
              </ul>
              <p class="small muted">Indicators are prompts for professional judgement, not proof.</p>
            </>
          ) : null}
        </Section>
        <Section title="Places">
          <PlacesMap places={p.places ?? []} backdrop={districts} width={460} height={300} label={`Small map of ${p.places?.length ?? 0} places linked to ${p.label}`} />
          <PlaceLegend />
        </Section>
      </div>
      <Section title={`Source records (${p.records.length})`} id="records">
        <p class="small muted">Every record behind this entity, with its provenance and 3x5x2 grading. Intelligence with handling code C, and records above your clearance, are withheld.</p>
        <div class="table-scroll">
          <table class="records">
            <caption class="sr-only">Source records</caption>
            <thead><tr><th scope="col">Record</th><th scope="col">Source and owner</th><th scope="col">Kind</th><th scope="col">Marking</th><th scope="col">Grading</th><th scope="col">Fields</th><th scope="col"><span class="sr-only">Explanation</span></th></tr></thead>
            <tbody>{p.records.map((r) => <RecordRow r={r} first={first} explainable={p.kind === 'person' && p.records.length > 1} />)}</tbody>
          </table>
        </div>
      </Section>
      <Section title={`Links (${p.links?.length ?? 0})`} id="links">
        <div class="table-scroll">
          <table>
            <caption class="sr-only">Links to other entities, with their explanation</caption>
            <thead><tr><th scope="col">Link</th><th scope="col">To</th><th scope="col">When</th><th scope="col">Grading</th><th scope="col">Provenance</th><th scope="col">Explanation</th></tr></thead>
            <tbody>{(p.links ?? []).slice(0, allLinks ? undefined : 25).map((l) => <LinkRow l={l} self={p.entity_id} />)}</tbody>
          </table>
        </div>
        {(p.links?.length ?? 0) > 25 ? (
          <button type="button" onClick={() => setAllLinks(!allLinks)} aria-expanded={allLinks}>
            {allLinks ? 'Show the first 25 links' : `Show all ${p.links.length} links`}
          </button>
        ) : null}
      </Section>
      <Section title="Timeline of events" id="timeline">
        <Timeline items={(p.events ?? []).map((e) => ({ ...e, when: (e.when ?? e.occurred ?? e.occurred_from ?? null) as string | null }))} />
      </Section>
    </>
  );
}

export function EntityPage({ id }: { id: string }) {
  return (
    <PurposeGate>
      <Inner id={id} />
    </PurposeGate>
  );
}

function Inner({ id }: { id: string }) {
  const res = useAsync(() => Promise.all([api.entity(id), safeguardingIndex(), districtsOnce()]), [id]);
  if (res.error) return <ErrorBox error={res.error} onRetry={res.reload} />;
  if (!res.data) return <Loading what="Loading profile" />;
  return <ProfileView p={res.data[0]} sg={res.data[1].get(id)} districts={res.data[2]} />;
}
