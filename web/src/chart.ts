// Link-chart model: merging graphs, element ids, and the visibility rules
// (edge types and time window). Pure, so they are unit-tested.
import type { GEdge, GNode, Graph, Member } from './api';
import { filterByWindow } from './timefilter';
import { victimStatus } from './safeguard';

export function edgeId(e: GEdge): string {
  return `${e.source}|${e.target}|${e.type}|${e.source_id ?? ''}:${e.ref ?? ''}|${e.since ?? ''}`;
}

export interface ChartModel {
  nodes: Map<string, GNode>;
  edges: Map<string, GEdge>;
}

export function emptyModel(): ChartModel {
  return { nodes: new Map(), edges: new Map() };
}

/** Adds a graph's nodes and edges to the model; returns the ids that were new. */
export function mergeGraph(m: ChartModel, g: Graph): { nodes: string[]; edges: string[] } {
  const added = { nodes: [] as string[], edges: [] as string[] };
  for (const n of g.nodes ?? []) {
    const old = m.nodes.get(n.id);
    if (!old) {
      m.nodes.set(n.id, n);
      added.nodes.push(n.id);
    } else if (!old.role && n.role) m.nodes.set(n.id, { ...old, role: n.role });
  }
  for (const e of g.edges ?? []) {
    if (!m.nodes.has(e.source) || !m.nodes.has(e.target)) continue;
    const id = edgeId(e);
    if (!m.edges.has(id)) {
      m.edges.set(id, e);
      added.edges.push(id);
    }
  }
  return added;
}

export function edgeTypes(m: ChartModel): string[] {
  return [...new Set([...m.edges.values()].map((e) => e.type))].sort();
}

/** Ids of the edges shown for the hidden types and the time window. */
export function visibleEdgeIds(m: ChartModel, hiddenTypes: Set<string>, from: number | null, to: number | null): Set<string> {
  const entries = [...m.edges.entries()].filter(([, e]) => !hiddenTypes.has(e.type));
  const kept = filterByWindow(entries.map(([id, e]) => ({ id, since: e.since, until: e.until })), from, to);
  return new Set(kept.map((k) => k.id));
}

/** The role to draw for a node: potential victims (children, NRM, exploited) are always drawn as such. */
export function nodeRole(n: GNode, member?: Member): string | null {
  const role = member?.role ?? n.role ?? null;
  const age = member?.age ?? n.age ?? (n.attributes?.age as number | undefined) ?? null;
  if (n.kind === 'person' && victimStatus({ kind: 'person', role, age, attributes: n.attributes, nrm: member?.nrm, listed: member?.listed }).potentialVictim) return 'potential victim';
  return role;
}
