// 3x5x2 intelligence grading (College of Policing APP): source 1-3,
// intelligence A-E, handling code P or C.

const SOURCE: Record<string, string> = { '1': 'Reliable', '2': 'Untested', '3': 'Not reliable' };
const INTEL: Record<string, string> = {
  A: 'Known directly to the source',
  B: 'Known indirectly to the source but corroborated',
  C: 'Known indirectly to the source',
  D: 'Not known',
  E: 'Suspected to be false or malicious',
};
const HANDLING: Record<string, string> = {
  P: 'Lawful sharing permitted',
  C: 'Lawful sharing permitted with conditions (handling instructions apply)',
};

export interface Grading {
  source: string;
  intelligence: string;
  handling: string;
  text: string; // e.g. "1B P"
  description: string;
}

export function parseGrading(g: unknown): Grading | null {
  if (g === null || g === undefined) return null;
  let s: string, i: string, h: string;
  if (typeof g === 'object') {
    const o = g as Record<string, unknown>;
    s = String(o.source ?? o.source_evaluation ?? '').trim();
    i = String(o.intelligence ?? o.intelligence_assessment ?? '').trim().toUpperCase();
    h = String(o.handling ?? o.handling_code ?? '').trim().toUpperCase();
  } else {
    const m = /^\s*([1-3])\s*([A-Ea-e])\s*[/ -]?\s*([PCpc])?\s*$/.exec(String(g));
    if (!m) return null;
    [s, i, h] = [m[1], m[2].toUpperCase(), (m[3] ?? '').toUpperCase()];
  }
  if (!SOURCE[s] || !INTEL[i]) return null;
  const parts = [`Source ${s}: ${SOURCE[s]}`, `Intelligence ${i}: ${INTEL[i]}`];
  if (HANDLING[h]) parts.push(`Handling ${h}: ${HANDLING[h]}`);
  return { source: s, intelligence: i, handling: h, text: `${s}${i}${h ? ' ' + h : ''}`, description: parts.join('; ') };
}
