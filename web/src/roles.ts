// Role colours for the link chart and lists: Okabe-Ito colour-blind-safe palette,
// each role also has its own node shape so colour is never the only cue.
// Text on these colours is drawn in a dark label box, so label contrast does not depend on them.

export interface RoleStyle {
  colour: string;
  shape: string; // cytoscape node shape
  label: string;
  text: string; // text colour with 4.5:1 contrast on `colour`
}

export const ROLES: Record<string, RoleStyle> = {
  organiser: { colour: '#D55E00', shape: 'diamond', label: 'Organiser', text: '#000000' },
  'potential victim': { colour: '#56B4E9', shape: 'ellipse', label: 'Potential victim (exploited)', text: '#000000' },
  exploited: { colour: '#56B4E9', shape: 'ellipse', label: 'Potential victim (exploited)', text: '#000000' },
  associate: { colour: '#009E73', shape: 'round-rectangle', label: 'Associate', text: '#000000' },
  facilitator: { colour: '#E69F00', shape: 'triangle', label: 'Facilitator', text: '#000000' },
  front: { colour: '#CC79A7', shape: 'hexagon', label: 'Front (business)', text: '#000000' },
};

export const KIND_STYLES: Record<string, RoleStyle> = {
  person: { colour: '#BBBBBB', shape: 'ellipse', label: 'Person (no role)', text: '#000000' },
  location: { colour: '#F0E442', shape: 'tag', label: 'Location', text: '#000000' },
  object: { colour: '#999999', shape: 'vee', label: 'Object (phone, vehicle...)', text: '#000000' },
  organisation: { colour: '#CC79A7', shape: 'hexagon', label: 'Organisation', text: '#000000' },
  event: { colour: '#FFFFFF', shape: 'rectangle', label: 'Event', text: '#000000' },
};

export const LEGEND_ROLES = ['organiser', 'potential victim', 'associate', 'facilitator', 'front'];

export function styleFor(role: string | null | undefined, kind: string): RoleStyle {
  if (role && ROLES[role]) return ROLES[role];
  return KIND_STYLES[kind] ?? KIND_STYLES.object;
}
