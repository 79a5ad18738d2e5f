import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Core, ElementDefinition } from 'cytoscape';
import { api, saveBlob, saveResponse, type GEdge, type GNode, type Member, type NetworkDetail } from '../api';
import { ErrorBox, Evidence, GradingBadge, listText, Loading, PurposeGate, RoleChip, Section, VictimBadge } from '../components';
import { edgeId, edgeTypes, emptyModel, mergeGraph, nodeRole, visibleEdgeIds, type ChartModel } from '../chart';
import { useAsync } from '../hooks';
import { href } from '../router';
import { KIND_STYLES, LEGEND_ROLES, ROLES, styleFor } from '../roles';
import { victimStatus } from '../safeguard';
import { isTaskingAuthority, type User } from '../session';
import { dayFloor, DAY, fmtDate, timeBounds } from '../timefilter';
import { safeguardingIndex } from '../sgindex';

const EDGE_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#7F7F7F'];

function shortLabel(s: string): string {
  return s.length > 24 ? s.slice(0, 23) + '…' : s;
}

function toElements(m: ChartModel, members: Map<string, Member>, types: string[]): ElementDefinition[] {
  const out: ElementDefinition[] = [];
  for (const n of m.nodes.values()) {
    const role = nodeRole(n, members.get(n.id));
    const st = styleFor(role, n.kind);
    out.push({
      group: 'nodes',
      data: { id: n.id, label: shortLabel(n.label || n.id), colour: st.colour, shape: st.shape, role: role ?? '', kind: n.kind, victim: role === 'potential victim' ? 1 : 0 },
    });
  }
  for (const [id, e] of m.edges) {
    out.push({
      group: 'edges',
      data: { id, source: e.source, target: e.target, type: e.type, colour: EDGE_COLOURS[types.indexOf(e.type) % EDGE_COLOURS.length], graded: e.grading ? 1 : 0 },
    });
  }
  return out;
}

const STYLE = [
  {
    selector: 'node',
    style: {
      'background-color': 'data(colour)', shape: 'data(shape)', label: 'data(label)', 'font-size': 10, color: '#000',
      'text-valign': 'bottom', 'text-margin-y': 3, 'text-background-color': '#fff', 'text-background-opacity': 0.85,
      'text-background-padding': '1px', width: 22, height: 22, 'border-width': 1, 'border-color': '#222',
      'font-family': 'system-ui, sans-serif',
    },
  },
  { selector: 'node[victim = 1]', style: { 'border-width': 3, 'border-color': '#0072B2', 'border-style': 'double', width: 26, height: 26 } },
  { selector: 'node[kind = "location"], node[kind = "object"], node[kind = "event"]', style: { width: 14, height: 14, 'font-size': 8, 'min-zoomed-font-size': 9 } },
  { selector: 'node[kind = "event"]', style: { width: 10, height: 10, 'min-zoomed-font-size': 12 } },
  { selector: 'node:selected', style: { 'overlay-color': '#000', 'overlay-opacity': 0.15, 'border-width': 4, 'border-color': '#000' } },
  { selector: 'node.path, edge.path', style: { 'line-color': '#000', 'target-arrow-color': '#000', width: 4, 'border-color': '#000', 'border-width': 4, 'z-index': 10 } },
  { selector: 'node.focus', style: { 'border-width': 4, 'border-color': '#000', 'border-style': 'solid' } },
  {
    selector: 'edge',
    style: { width: 1.6, 'line-color': 'data(colour)', 'curve-style': 'bezier', opacity: 0.75, 'font-size': 7, 'text-rotation': 'autorotate' },
  },
  { selector: 'edge[graded = 1]', style: { 'line-style': 'dashed' } },
  { selector: 'edge:selected', style: { width: 4, opacity: 1, label: 'data(type)' } },
  { selector: '.hidden', style: { display: 'none' } },
  { selector: 'node.faded', style: { opacity: 0.3 } },
];

interface Selected {
  nodes: string[];
  edge: string | null;
}

function Chart({ detail, focus, user }: { detail: NetworkDetail; focus: string | null; user: User }) {
  const box = useRef<HTMLDivElement>(null);
  const cyRef = useRef<Core | null>(null);
  const model = useRef<ChartModel>(emptyModel());
  const [version, setVersion] = useState(0);
  const [hidden, setHidden] = useState<Set<string>>(new Set());
  const [sel, setSel] = useState<Selected>({ nodes: focus ? [focus] : [], edge: null });
  const [status, setStatus] = useState('');
  const [pathIds, setPathIds] = useState<string[]>([]);
  const members = useMemo(() => new Map(detail.members.map((m) => [m.entity_id, m])), [detail]);

  if (model.current.nodes.size === 0) mergeGraph(model.current, detail.graph ?? { nodes: [], edges: [] });
  const m = model.current;
  const types = edgeTypes(m);
  const bounds = useMemo(() => timeBounds([...m.edges.values()]), [version, m]);
  const [win, setWin] = useState<[number, number] | null>(bounds ? [dayFloor(bounds[0]), dayFloor(bounds[1]) + DAY - 1] : null);

  // create cytoscape once
  useEffect(() => {
    let cancelled = false;
    (async () => {
      const [{ default: cytoscape }, { default: fcose }] = await Promise.all([import('cytoscape'), import('cytoscape-fcose')]);
      if (cancelled || !box.current) return;
      try { cytoscape.use(fcose as never); } catch { /* already registered */ }
      const cy = cytoscape({
        container: box.current,
        elements: toElements(m, members, types),
        style: STYLE as never,
        layout: { name: 'fcose', animate: false, randomize: true, seed: 7, nodeRepulsion: 6000, idealEdgeLength: 70, quality: 'default' } as never,
        wheelSensitivity: 0.3,
        minZoom: 0.2,
        maxZoom: 4,
        boxSelectionEnabled: false,
      });
      cyRef.current = cy;
      (window as unknown as { __toexCy?: Core }).__toexCy = cy; // for the end-to-end tests
      cy.on('tap', 'node', (ev) => {
        const id = ev.target.id();
        const additive = (ev.originalEvent as MouseEvent | undefined)?.shiftKey;
        setSel((s) => ({ edge: null, nodes: additive ? [...s.nodes.filter((x) => x !== id), id].slice(-2) : [id] }));
      });
      cy.on('tap', 'edge', (ev) => setSel((s) => ({ ...s, edge: ev.target.id() })));
      cy.on('tap', (ev) => { if (ev.target === cy) setSel({ nodes: [], edge: null }); });
      if (focus) cy.getElementById(focus).addClass('focus');
      setVersion((v) => v + 1);
    })();
    return () => {
      cancelled = true;
      cyRef.current?.destroy();
      cyRef.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  // visibility
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    const vis = visibleEdgeIds(m, hidden, win?.[0] ?? null, win?.[1] ?? null);
    cy.batch(() => {
      cy.edges().forEach((e) => { e.toggleClass('hidden', !vis.has(e.id())); });
      cy.nodes().forEach((n) => { n.toggleClass('faded', n.connectedEdges().filter((e) => !e.hasClass('hidden')).length === 0 && n.connectedEdges().length > 0); });
    });
  }, [hidden, win, version]);

  // selection mirrored into the chart
  useEffect(() => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.elements().unselect();
    for (const id of sel.nodes) cy.getElementById(id).select();
    if (sel.edge) cy.getElementById(sel.edge).select();
  }, [sel, version]);

  const relayout = (fitAll = true) => {
    const cy = cyRef.current;
    if (!cy) return;
    cy.layout({ name: 'fcose', animate: false, randomize: false, nodeRepulsion: 6000, idealEdgeLength: 70, fit: fitAll } as never).run();
  };

  const addGraph = (g: { nodes: GNode[]; edges: GEdge[] }) => {
    const added = mergeGraph(m, g);
    const cy = cyRef.current;
    if (cy && (added.nodes.length || added.edges.length)) {
      const els = toElements(m, members, edgeTypes(m)).filter((e) => added.nodes.includes(e.data.id!) || added.edges.includes(e.data.id!));
      cy.add(els);
      relayout();
    }
    setVersion((v) => v + 1);
    return added;
  };

  const expand = async () => {
    const id = sel.nodes[sel.nodes.length - 1];
    if (!id) return;
    setStatus(`Expanding ${m.nodes.get(id)?.label ?? id}…`);
    try {
      const g = await api.neighbourhood(id, 1);
      const added = addGraph(g);
      setStatus(`Expanded ${m.nodes.get(id)?.label ?? id}: ${added.nodes.length} new entities, ${added.edges.length} new links.`);
    } catch (e) {
      setStatus(`Could not expand: ${(e as Error).message}`);
    }
  };

  const path = async () => {
    if (sel.nodes.length !== 2) return;
    const [a, b] = sel.nodes;
    setStatus('Finding the shortest path…');
    try {
      const g = await api.path(a, b);
      addGraph(g);
      const cy = cyRef.current;
      cy?.elements().removeClass('path');
      const ids = [...(g.nodes ?? []).map((n) => n.id), ...(g.edges ?? []).map(edgeId)];
      for (const id of ids) cy?.getElementById(id).addClass('path');
      setPathIds((g.nodes ?? []).map((n) => n.id));
      setStatus(g.nodes?.length ? `Shortest path: ${(g.nodes ?? []).map((n) => n.label || n.id).join(' → ')} (${g.edges?.length ?? 0} links).` : 'No path between these two entities in your scope.');
    } catch (e) {
      setStatus(`No path: ${(e as Error).message}`);
    }
  };

  const exportPng = async () => {
    const cy = cyRef.current;
    if (!cy) return;
    const blob = (await cy.png({ output: 'blob-promise', full: true, scale: 2, bg: '#ffffff' })) as Blob;
    saveBlob(blob, `${detail.network_id}-chart-OFFICIAL-SENSITIVE.png`);
    setStatus('Chart exported as PNG.');
  };

  const exportFile = async (format: string, ext: string) => {
    try {
      const res = await api.exportNetwork(detail.network_id, format);
      await saveResponse(res, `${detail.network_id}.${ext}`);
      setStatus(`Exported ${format} (recorded in the audit trail as a disclosure).`);
    } catch (e) {
      setStatus(`Export failed: ${(e as Error).message}`);
    }
  };

  const onKey = (e: KeyboardEvent) => {
    const cy = cyRef.current;
    if (!cy) return;
    const ids = cy.nodes(':visible').sort((x, y) => String(x.data('label')).localeCompare(String(y.data('label')))).map((n) => n.id());
    if (!ids.length) return;
    const cur = sel.nodes[sel.nodes.length - 1];
    const i = cur ? ids.indexOf(cur) : -1;
    if (e.key === 'ArrowRight' || e.key === 'ArrowDown') { e.preventDefault(); setSel({ nodes: [ids[(i + 1) % ids.length]], edge: null }); }
    else if (e.key === 'ArrowLeft' || e.key === 'ArrowUp') { e.preventDefault(); setSel({ nodes: [ids[(i - 1 + ids.length) % ids.length]], edge: null }); }
    else if (e.key === 'Enter' && cur) location.hash = href('entity', cur);
    else if (e.key === 'e' && cur) void expand();
    else if (e.key === '+') cy.zoom(cy.zoom() * 1.2);
    else if (e.key === '-') cy.zoom(cy.zoom() / 1.2);
    else if (e.key === '0') cy.fit(undefined, 20);
  };

  const selNode = sel.nodes.length ? m.nodes.get(sel.nodes[sel.nodes.length - 1]) : undefined;
  const selEdge = sel.edge ? m.edges.get(sel.edge) : undefined;
  const selMember = selNode ? members.get(selNode.id) : undefined;
  const toggleType = (t: string) => setHidden((h) => { const n = new Set(h); if (n.has(t)) n.delete(t); else n.add(t); return n; });
  const lo = bounds ? dayFloor(bounds[0]) : 0;
  const hi = bounds ? dayFloor(bounds[1]) + DAY - 1 : 0;

  return (
    <div class="explorer">
      <div class="chart-col">
        <div class="toolbar" role="toolbar" aria-label="Link chart tools">
          <button type="button" onClick={expand} disabled={!sel.nodes.length} title="Add the selected entity's direct links (E)">Expand selected</button>
          <button type="button" onClick={path} disabled={sel.nodes.length !== 2} title="Select two entities (Shift+click, or the list)">Shortest path</button>
          <button type="button" onClick={() => relayout()}>Re-layout</button>
          <button type="button" onClick={() => cyRef.current?.fit(undefined, 20)}>Fit</button>
          <span class="sep" aria-hidden="true" />
          <button type="button" onClick={exportPng}>Export PNG</button>
          <button type="button" onClick={() => exportFile('graphml', 'graphml')}>Export GraphML</button>
          <button type="button" onClick={() => exportFile('i2', 'csv')}>Export i2</button>
        </div>
        <div
          ref={box}
          class="cy"
          tabIndex={0}
          role="application"
          aria-label={`Link chart of network ${detail.network_id}: ${m.nodes.size} entities and ${m.edges.size} links. Arrow keys move between entities, Enter opens the profile, E expands, plus and minus zoom, 0 fits. The same entities are listed under Members.`}
          aria-describedby="chart-status"
          onKeyDown={onKey}
        />
        <p id="chart-status" class="small" role="status" aria-live="polite">{status}</p>
        <fieldset class="time">
          <legend>Time window (links shown when active inside it)</legend>
          {bounds && win ? (
            <div class="sliders">
              <label for="t-from">From <output>{fmtDate(win[0])}</output></label>
              <input id="t-from" type="range" min={lo} max={hi} step={DAY} value={win[0]} onInput={(e) => { const v = Number((e.target as HTMLInputElement).value); setWin([Math.min(v, win[1]), win[1]]); }} />
              <label for="t-to">Until <output>{fmtDate(win[1])}</output></label>
              <input id="t-to" type="range" min={lo} max={hi} step={DAY} value={win[1]} onInput={(e) => { const v = Number((e.target as HTMLInputElement).value); setWin([win[0], Math.max(v, win[0])]); }} />
              <button type="button" onClick={() => setWin([lo, hi])}>All time</button>
            </div>
          ) : <p class="small muted">No dated links.</p>}
        </fieldset>
      </div>
      <aside class="chart-side" aria-label="Chart legend and selection">
        <fieldset>
          <legend>Roles</legend>
          <ul class="legend">
            {LEGEND_ROLES.map((r) => (
              <li><span class={`swatch shape-${ROLES[r].shape}`} style={{ background: ROLES[r].colour }} aria-hidden="true" />{ROLES[r].label}</li>
            ))}
            {['location', 'object'].map((k) => (
              <li><span class={`swatch shape-${KIND_STYLES[k].shape}`} style={{ background: KIND_STYLES[k].colour }} aria-hidden="true" />{KIND_STYLES[k].label}</li>
            ))}
          </ul>
          <p class="small muted">Each role also has its own shape. Dashed links rest on graded intelligence.</p>
        </fieldset>
        <fieldset>
          <legend>Link types</legend>
          {types.map((t, i) => (
            <div class="check">
              <input type="checkbox" id={`lt-${t}`} checked={!hidden.has(t)} onChange={() => toggleType(t)} />
              <label for={`lt-${t}`}><span class="line" style={{ background: EDGE_COLOURS[i % EDGE_COLOURS.length] }} aria-hidden="true" />{t.replace(/_/g, ' ')}</label>
            </div>
          ))}
        </fieldset>
        <div class="selection" aria-live="polite">
          <h3>Selection</h3>
          {selNode ? (
            <div>
              <p><a href={href('entity', selNode.id)}><strong>{selNode.label}</strong></a> <span class="muted small">{selNode.kind} · {selNode.id}</span></p>
              {selNode.kind === 'person' ? <RoleChip role={nodeRole(selNode, selMember)} /> : null}
              {selNode.kind === 'person' ? <VictimBadge person={{ kind: 'person', role: selMember?.role ?? selNode.role, age: selMember?.age ?? selNode.age, attributes: selNode.attributes, listed: selMember?.listed, nrm: selMember?.nrm, route: selMember?.safeguarding }} /> : null}
              {sel.nodes.length === 2 ? <p class="small">Path between {m.nodes.get(sel.nodes[0])?.label} and {selNode.label}: press “Shortest path”.</p> : <p class="small muted">Shift+click (or “add to path” in the list) to pick a second entity.</p>}
            </div>
          ) : <p class="small muted">Click an entity or a link, or use the arrow keys in the chart.</p>}
          {selEdge ? (
            <div class="edge-detail">
              <p><strong>{selEdge.type.replace(/_/g, ' ')}</strong>: {m.nodes.get(selEdge.source)?.label} — {m.nodes.get(selEdge.target)?.label}</p>
              <p class="small">{selEdge.since ?? '?'} – {selEdge.until ?? ''} · <GradingBadge grading={selEdge.grading} /> · <code>{selEdge.source_id}:{selEdge.ref}</code></p>
            </div>
          ) : null}
          {pathIds.length ? <p class="small">Path highlighted in black ({pathIds.length} entities).</p> : null}
        </div>
        <MemberList detail={detail} members={detail.members} selected={sel.nodes} onPick={(id, add) => setSel((s) => ({ edge: null, nodes: add ? [...s.nodes.filter((x) => x !== id), id].slice(-2) : [id] }))} user={user} />
      </aside>
    </div>
  );
}

function MemberList({ members, selected, onPick }: { detail: NetworkDetail; members: Member[]; selected: string[]; onPick: (id: string, add: boolean) => void; user: User }) {
  const victims = members.filter((x) => x.kind === 'person' && victimStatus({ kind: 'person', role: x.role, age: x.age, nrm: x.nrm, listed: x.listed }).potentialVictim);
  const others = members.filter((x) => !victims.includes(x));
  const routes = [...new Set(victims.map((x) => victimStatus({ kind: 'person', role: x.role, age: x.age, nrm: x.nrm, listed: x.listed, route: x.safeguarding }).route))];
  const shared = routes.length === 1 ? routes[0] : null;
  const row = (x: Member, victim: boolean) => (
    <li class={selected.includes(x.entity_id) ? 'picked' : ''}>
      <button type="button" class="link" aria-pressed={selected.includes(x.entity_id)} onClick={() => onPick(x.entity_id, false)}>{x.label}</button>{' '}
      <RoleChip role={victim ? 'potential victim' : x.role} kind={x.kind} />
      {x.age !== null && x.age !== undefined ? <span class="small muted"> age {x.age}</span> : null}{' '}
      <button type="button" class="link small" onClick={() => onPick(x.entity_id, true)} aria-label={`Add ${x.label} to the path selection`}>add to path</button>
      {x.evidence?.length ? <Evidence items={x.evidence} show={0} /> : null}
      {victim ? <div><VictimBadge person={{ kind: 'person', role: x.role, age: x.age, nrm: x.nrm, listed: x.listed, route: x.safeguarding }} compact={!!shared} /></div> : null}
    </li>
  );
  return (
    <div class="members" role="region" aria-label="Network members" tabIndex={0}>
      <h3>Members ({members.length})</h3>
      {victims.length ? (
        <>
          <h4>People to safeguard ({victims.length})</h4>
          {shared ? <p class="small route-all">Safeguarding route for each of them: {shared}</p> : null}
          <ul class="member-list victims">{victims.map((x) => row(x, true))}</ul>
        </>
      ) : null}
      <h4>Other members ({others.length})</h4>
      <ul class="member-list">{others.map((x) => row(x, false))}</ul>
    </div>
  );
}

function members(n: number): string {
  return `${n} member${n === 1 ? '' : 's'}`;
}

/** Why the score breakdown is not shown, from the API's count of withheld members by reason. */
export function breakdownWithheld(d: NetworkDetail): string {
  const w = d.withheld;
  if (d.complete !== false || !w) return 'No score breakdown is recorded for this network.';
  const reasons: string[] = [];
  if (w.outside_scope) reasons.push(`${members(w.outside_scope)} outside your scope`);
  if (w.handling_c) reasons.push(`${members(w.handling_c)} known only from handling code C intelligence, which you are not cleared to see`);
  if (w.above_clearance) reasons.push(`${members(w.above_clearance)} known only from records above your clearance`);
  if (!reasons.length) return 'Withheld: part of this network is withheld from you.';
  const listed = reasons.length === 1 ? reasons[0] : `${reasons.slice(0, -1).join(', ')} and ${reasons[reasons.length - 1]}`;
  return `Withheld: the score rests on the whole network, and part of it is withheld from you (${listed}).`;
}

function Detail({ d, focus, user }: { d: NetworkDetail; focus: string | null; user: User }) {
  return (
    <>
      <header class="profile-head">
        <h1>Network {d.network_id} <span class="muted small">rank {d.rank} · score {typeof d.score === 'number' ? d.score.toFixed(1) : d.score}</span></h1>
        <p>{d.summary}</p>
        <p class="small">Threats: {listText(d.threats)} · Forces: {listText(d.forces)} · Regions: {listText(d.regions)} · Owner: {d.owner ? `${d.owner.level ?? ''} ${d.owner.unit ?? ''}` : 'unassigned'}</p>
        <p><a href={href('network', d.network_id, 'map')}>Map view of this network</a> · <a href={href('tasks', { network: d.network_id })}>Tasks for this network</a></p>
      </header>
      <Chart detail={d} focus={focus} user={user} />
      <div class="grid-2">
        <Section title="Score breakdown">
          {d.score_breakdown ? (
            <table class="small">
              <caption class="sr-only">Score by dimension</caption>
              <thead><tr><th scope="col">Dimension</th><th scope="col">Score</th><th scope="col">Weight</th><th scope="col">Why</th></tr></thead>
              <tbody>
                {Object.entries(d.score_breakdown).map(([k, v]) => {
                  const o = (v && typeof v === 'object' ? v : { final: v }) as Record<string, unknown>;
                  const num = (x: unknown) => (typeof x === 'number' ? x.toFixed(2) : listText(x));
                  return <tr><th scope="row">{k.replace(/_/g, ' ')}</th><td>{num(o.final ?? o.value ?? o.automated)}</td><td>{num(o.weight ?? '')}</td><td>{listText(o.explanation ?? '')}</td></tr>;
                })}
              </tbody>
            </table>
          ) : <p class="muted">{breakdownWithheld(d)}</p>}
        </Section>
        <Section title="4P actions">
          {d.actions?.length ? (
            <ul class="actions scroll-box" tabIndex={0} aria-label="4P actions">
              {d.actions.map((a) => (
                <li><span class={`strand s-${a.strand?.toLowerCase()}`}>{a.strand}</span> {a.action} <span class="small muted">[{a.status}{a.owner_unit ? ` · ${a.owner_unit}` : ''}]</span></li>
              ))}
            </ul>
          ) : <p class="muted">No actions yet.</p>}
          {isTaskingAuthority(user) ? <a href={href('tasks', { network: d.network_id })}>Approve on the tasking board</a> : null}
        </Section>
      </div>
    </>
  );
}

export function NetworkPage({ id, focus, user }: { id: string; focus: string | null; user: User }) {
  return (
    <PurposeGate>
      <Inner id={id} focus={focus} user={user} />
    </PurposeGate>
  );
}

function Inner({ id, focus, user }: { id: string; focus: string | null; user: User }) {
  const res = useAsync(
    () => Promise.all([api.network(id), safeguardingIndex()]).then(([d, sg]) => ({
      ...d,
      members: (d.members ?? []).map((m) => ({ ...m, listed: sg.has(m.entity_id) || !!m.safeguarding,
        // the safeguarding list's nrm_referred is authoritative (a route that merely suggests an NRM referral is not one)
        nrm: sg.has(m.entity_id) ? !!sg.get(m.entity_id)?.nrm_referred : m.nrm, age: m.age ?? sg.get(m.entity_id)?.age, safeguarding: m.safeguarding ?? sg.get(m.entity_id)?.route })),
    })),
    [id],
  );
  if (res.error) return <ErrorBox error={res.error} onRetry={res.reload} />;
  if (!res.data) return <Loading what="Loading network" />;
  return <Detail d={res.data} focus={focus} user={user} />;
}
