// Safeguarding rules for display (docs: DOMAIN.md section 4): a child or an
// NRM-referred person is always shown as a potential victim, with the
// safeguarding route, and never among enforcement targets.

export interface PersonLike {
  kind?: string;
  role?: string | null;
  age?: number | null;
  attributes?: Record<string, unknown> | null;
  indicators?: unknown[] | null;
  nrm?: boolean | null;
  /** on the safeguarding list (assess stage) */
  listed?: boolean | null;
  route?: string | null;
}

export const CHILD_ROUTE =
  "Child: refer to children's social care (MASH) the same day, consider a National Referral Mechanism referral (no consent needed for a child) and a return-home interview after any missing episode.";
export const ADULT_ROUTE =
  'NRM-referred adult: support through the NRM (or the Duty to Notify if they decline) and adult safeguarding; consider the s.45 Modern Slavery Act defence.';

function num(x: unknown): number | null {
  if (typeof x === 'number' && Number.isFinite(x)) return x;
  if (typeof x === 'string' && x.trim() && Number.isFinite(Number(x))) return Number(x);
  return null;
}

/** Age in whole years from a date of birth (YYYY-MM-DD or YYYY) at `at`. */
export function ageFrom(dob: unknown, at: Date = new Date()): number | null {
  if (typeof dob !== 'string' || !/^\d{4}/.test(dob)) return null;
  const [y, m = 7, d = 1] = dob.split('-').map(Number);
  let age = at.getFullYear() - y;
  if (at.getMonth() + 1 < m || (at.getMonth() + 1 === m && at.getDate() < d)) age -= 1;
  return age;
}

export function ageOf(p: PersonLike): number | null {
  const a = num(p.age);
  if (a !== null) return a;
  const attrs = p.attributes ?? {};
  return num(attrs.age) ?? ageFrom(attrs.dob);
}

function indicatorCodes(p: PersonLike): string[] {
  return (p.indicators ?? []).map((x) =>
    typeof x === 'string' ? x : String((x as Record<string, unknown>)?.indicator ?? (x as Record<string, unknown>)?.code ?? ''),
  ).map((s) => s.toLowerCase());
}

export function isNrm(p: PersonLike): boolean {
  if (p.nrm) return true;
  const attrs = p.attributes ?? {};
  if (attrs.nrm === true || attrs.nrm_referred === true) return true;
  return indicatorCodes(p).some((c) => c.includes('nrm'));
}

export interface VictimStatus {
  potentialVictim: boolean;
  child: boolean;
  nrm: boolean;
  route: string;
}

export function victimStatus(p: PersonLike): VictimStatus {
  const age = ageOf(p);
  const child = (p.kind === undefined || p.kind === 'person') && age !== null && age < 18;
  const nrm = isNrm(p);
  const potentialVictim = child || nrm || !!p.listed || p.role === 'exploited';
  const route = p.route || (child ? CHILD_ROUTE : nrm || potentialVictim ? ADULT_ROUTE : '');
  return { potentialVictim, child, nrm, route };
}

/** The role shown for a person: potential victims are never labelled with an enforcement role. */
export function displayRole(p: PersonLike): string {
  if (victimStatus(p).potentialVictim) return 'potential victim';
  return p.role ?? '';
}
