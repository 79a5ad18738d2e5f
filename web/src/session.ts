// Session state kept in sessionStorage (never a cookie): the bearer token, the
// signed-in user and the purpose / case reference for consultations.

export interface User {
  username: string;
  display_name?: string;
  role: string;
  scope_kind?: string;
  scope_id?: string | null;
  clearance?: string;
  handling_c?: boolean;
}

const TOKEN = 'toex.token';
const USER = 'toex.user';
const PURPOSE = 'toex.purpose';

function store(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null;
  }
}

export const session = {
  token(): string | null {
    return store()?.getItem(TOKEN) ?? null;
  },
  user(): User | null {
    const raw = store()?.getItem(USER);
    if (!raw) return null;
    try {
      return JSON.parse(raw) as User;
    } catch {
      return null;
    }
  },
  purpose(): string | null {
    return store()?.getItem(PURPOSE) ?? null;
  },
  signIn(token: string, user: User): void {
    store()?.setItem(TOKEN, token);
    store()?.setItem(USER, JSON.stringify(user));
  },
  setUser(user: User): void {
    store()?.setItem(USER, JSON.stringify(user));
  },
  setPurpose(purpose: string | null): void {
    if (purpose && purpose.trim()) store()?.setItem(PURPOSE, purpose.trim());
    else store()?.removeItem(PURPOSE);
  },
  clear(): void {
    store()?.removeItem(TOKEN);
    store()?.removeItem(USER);
    store()?.removeItem(PURPOSE);
  },
};

/** Role ladder used to decide which controls to show; the API enforces the real rules. */
const RANK: Record<string, number> = {
  viewer: 0,
  analyst: 1,
  senior_analyst: 2,
  supervisor: 3,
  tasking_authority: 4,
  tasking: 4,
  admin: 5,
};

export function roleRank(role: string | undefined | null): number {
  if (!role) return -1;
  return RANK[role.toLowerCase().replace(/[\s-]/g, '_')] ?? 1;
}
export const isSupervisor = (u: User | null): boolean => roleRank(u?.role) >= 3;
export const isTaskingAuthority = (u: User | null): boolean => roleRank(u?.role) >= 4;
