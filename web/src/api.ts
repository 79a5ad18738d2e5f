// Client for the toex REST API (/api/v1, docs/api.md).
import { session, type User } from './session';

export const API_BASE = '/api/v1';

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
    public detail: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
  get purposeRequired(): boolean {
    return this.status === 428 || this.code === 'purpose_required';
  }
  get unauthorised(): boolean {
    return this.status === 401;
  }
}

/** Builds an ApiError from a response body, whatever its shape. */
export function toApiError(status: number, body: unknown, statusText = ''): ApiError {
  const fallback = statusText || `HTTP ${status}`;
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const e = b.error;
    if (e && typeof e === 'object') {
      const err = e as Record<string, unknown>;
      return new ApiError(
        status,
        typeof err.code === 'string' ? err.code : codeFor(status),
        typeof err.message === 'string' && err.message ? err.message : fallback,
        err.detail,
      );
    }
    // FastAPI's own shape: {"detail": "..."} or {"detail": [{msg...}]}
    if ('detail' in b) {
      const d = b.detail;
      const msg =
        typeof d === 'string'
          ? d
          : Array.isArray(d)
            ? d.map((x) => (x && typeof x === 'object' && 'msg' in x ? String((x as { msg: unknown }).msg) : String(x))).join('; ')
            : fallback;
      return new ApiError(status, codeFor(status), msg, d);
    }
  }
  if (typeof body === 'string' && body.trim()) return new ApiError(status, codeFor(status), body.trim().slice(0, 300));
  return new ApiError(status, codeFor(status), fallback);
}

export function codeFor(status: number): string {
  const codes: Record<number, string> = {
    400: 'bad_request',
    401: 'unauthorised',
    403: 'forbidden',
    404: 'not_found',
    409: 'conflict',
    413: 'too_large',
    422: 'invalid',
    428: 'purpose_required',
    429: 'rate_limited',
  };
  return codes[status] ?? (status >= 500 ? 'server_error' : 'error');
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  query?: Record<string, string | number | boolean | undefined | null>;
  purpose?: boolean; // send X-Toex-Purpose
  raw?: boolean; // return the Response (downloads)
}

type Hook = (err: ApiError) => Promise<boolean>; // true: retry
let onPurposeRequired: Hook | null = null;
let onUnauthorised: (() => void) | null = null;

export function setHooks(h: { purposeRequired?: Hook; unauthorised?: () => void }): void {
  if (h.purposeRequired) onPurposeRequired = h.purposeRequired;
  if (h.unauthorised) onUnauthorised = h.unauthorised;
}

export function buildUrl(path: string, query?: RequestOptions['query']): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  }
  const s = qs.toString();
  return API_BASE + path + (s ? `?${s}` : '');
}

export type Fetcher = (input: string, init?: RequestInit) => Promise<Response>;
let fetcher: Fetcher = (i, init) => fetch(i, init);
/** For unit tests. */
export function setFetcher(f: Fetcher): void {
  fetcher = f;
}

export async function request<T>(path: string, opts: RequestOptions = {}, retried = false): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = session.token();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (opts.purpose) {
    const p = session.purpose();
    if (p) headers['X-Toex-Purpose'] = p;
  }
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.body);
  }
  let res: Response;
  try {
    res = await fetcher(buildUrl(path, opts.query), { method: opts.method ?? 'GET', headers, body });
  } catch (e) {
    throw new ApiError(0, 'network', `The server could not be reached (${(e as Error).message || e}).`);
  }
  if (!res.ok) {
    const text = await res.text().catch(() => '');
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON */
    }
    const err = toApiError(res.status, parsed, res.statusText);
    if (err.purposeRequired && !retried && onPurposeRequired) {
      if (await onPurposeRequired(err)) return request<T>(path, { ...opts, purpose: true }, true);
    }
    if (err.unauthorised && path !== '/auth/login' && onUnauthorised) onUnauthorised();
    throw err;
  }
  if (opts.raw) return res as unknown as T;
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  if (!text) return undefined as T;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(res.status, 'bad_response', 'The server answered with something that is not JSON.');
  }
}

// ---- types (docs/api.md) ----
export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  page_size: number;
}
/** Lists are paginated `{items,...}`; accept a bare array too. */
export function itemsOf<T>(x: Page<T> | T[] | null | undefined): T[] {
  if (!x) return [];
  return Array.isArray(x) ? x : (x.items ?? []);
}

export interface SearchHit { entity_id: string; kind: string; label: string; detail?: string; score?: number; }
export interface SourceRecord {
  source_id: string; ref: string; source_name?: string; owner?: string; kind?: string;
  classification?: string; grading?: string | null; handling?: string | null; fields?: Record<string, unknown>;
}
export interface EventItem { event_id?: string; when?: string; kind?: string; label?: string; force?: string; grading?: string | null; source_id?: string; ref?: string; [k: string]: unknown; }
export interface LinkItem {
  type?: string; other_id?: string; other_label?: string; source?: string; target?: string; since?: string | null; until?: string | null;
  grading?: string | null; source_id?: string; ref?: string; explanation?: string | null; [k: string]: unknown;
}
export interface Place { latitude: number | null; longitude: number | null; label?: string; kind?: string; when?: string | null; }
export interface Indicator { indicator?: string; code?: string; label?: string; weight?: number; evidence?: unknown; [k: string]: unknown; }
export interface Profile {
  entity_id: string; kind: string; label: string; attributes: Record<string, unknown>;
  records: SourceRecord[]; events: EventItem[]; links: LinkItem[]; indicators: (Indicator | string)[];
  networks: ({ network_id: string; role?: string } | string)[]; places: Place[];
  safeguarding?: { route?: string; age?: number | null } | null;
}
export interface GNode { id: string; kind: string; label: string; role?: string | null; attributes?: Record<string, unknown>; age?: number | null; }
export interface GEdge { source: string; target: string; type: string; since?: string | null; until?: string | null; grading?: string | null; source_id?: string | null; ref?: string | null; }
export interface Graph { nodes: GNode[]; edges: GEdge[]; }
export interface NetworkSummary {
  network_id: string; rank: number; score: number; threats: string[] | string; forces: string[] | string; regions: string[] | string;
  owner?: { level?: string; unit?: string } | null; summary?: string; members_count?: number;
  complete?: boolean; withheld?: Withheld | null;
}
/** Members of a partly visible network withheld from the user, counted by reason. */
export interface Withheld { outside_scope: number; handling_c: number; above_clearance: number; }
export interface Member { entity_id: string; kind: string; label: string; role: string; age?: number | null; evidence?: unknown[]; nrm?: boolean; listed?: boolean; safeguarding?: string | null; }
export interface Task {
  task_id: string; network_id: string; strand: string; action: string; owner_level?: string; owner_unit?: string | null;
  status: string; due?: string | null; approved_by?: string | null; outcome?: string | null; history?: unknown[];
  kind?: string | null; subject?: string | null; assignee?: string | null; outcome_note?: string | null;
}
export interface NetworkDetail extends NetworkSummary {
  members: Member[]; score_breakdown?: Record<string, unknown>; actions?: Task[]; graph: Graph;
  places: Place[]; timeline: { when: string; kind: string; label: string; force?: string; event_id?: string }[];
}
export interface SafeguardingItem { rank: number; entity_id: string; label: string; score: number; age?: number | null; network_id?: string | null; indicators?: (Indicator | string)[]; route?: string | null; is_child?: boolean | null; nrm_referred?: boolean | null; home_force?: string | null; }
export interface Alert { alert_id: string; kind: string; score: number; summary: string; detail?: unknown; }
export interface ForcePicture { force_id: string; name: string; region_id: string; networks: number; alerts: number; safeguarding: number; latitude: number; longitude: number; }
export interface Picture { networks: NetworkSummary[]; safeguarding: SafeguardingItem[]; alerts: Alert[]; forces: ForcePicture[]; }
export interface District { district: string; force_id: string; latitude: number; longitude: number; }
export interface Region { region_id: string; name: string; [k: string]: unknown; }
export interface Force { force_id: string; name: string; region_id: string; latitude?: number; longitude?: number; }
export interface AuditEntry { [k: string]: unknown; }

export const api = {
  login: (username: string, password: string) =>
    request<{ token: string; expires_at?: string; user: User }>('/auth/login', { method: 'POST', body: { username, password } }),
  logout: () => request<void>('/auth/logout', { method: 'POST' }),
  me: () => request<User>('/me'),
  search: (q: string, type = 'any', dob?: string) => request<Page<SearchHit> | SearchHit[]>('/search', { query: { q, type, dob }, purpose: true }),
  entity: (id: string) => request<Profile>(`/entities/${encodeURIComponent(id)}`, { purpose: true }),
  explain: (left: string, right: string) => request<Record<string, unknown>>('/explain', { query: { left, right }, purpose: true }),
  neighbourhood: (id: string, hops = 1, types?: string) =>
    request<Graph>(`/graph/neighbourhood/${encodeURIComponent(id)}`, { query: { hops, types }, purpose: true }),
  path: (from: string, to: string) => request<Graph>('/graph/path', { query: { from, to }, purpose: true }),
  networks: (page = 1, page_size = 50) => request<Page<NetworkSummary> | NetworkSummary[]>('/networks', { query: { page, page_size } }),
  network: (id: string) => request<NetworkDetail>(`/networks/${encodeURIComponent(id)}`, { purpose: true }),
  exportNetwork: (id: string, format: string) =>
    request<Response>(`/networks/${encodeURIComponent(id)}/export`, { query: { format }, purpose: true, raw: true }),
  safeguarding: (page = 1, page_size = 100) => request<Page<SafeguardingItem> | SafeguardingItem[]>('/safeguarding', { query: { page, page_size } }),
  alerts: (page = 1, page_size = 100) => request<Page<Alert> | Alert[]>('/alerts', { query: { page, page_size } }),
  picture: () => request<Picture>('/picture'),
  tasks: (q: { status?: string; owner_unit?: string; network_id?: string; page_size?: number } = {}) =>
    request<Page<Task> | Task[]>('/tasks', { query: { page_size: 200, ...q } }),
  transition: (taskId: string, to: string, outcome?: string, note?: string) =>
    request<Task>(`/tasks/${encodeURIComponent(taskId)}/transition`, { method: 'POST', body: { to, outcome, note } }),
  assign: (taskId: string, body: { owner_unit?: string; due?: string }) =>
    request<Task>(`/tasks/${encodeURIComponent(taskId)}`, { method: 'PATCH', body }),
  forces: () => request<Page<Force> | Force[]>('/reference/forces', { query: { page_size: 100 } }),
  regions: () => request<Page<Region> | Region[]>('/reference/regions', { query: { page_size: 100 } }),
  districts: () => request<Page<District> | District[]>('/reference/districts', { query: { page_size: 5000 } }),
  audit: (page = 1, page_size = 50) => request<Page<AuditEntry> | AuditEntry[]>('/audit', { query: { page, page_size } }),
  auditExport: () => request<Response>('/audit/export', { raw: true }),
  auditVerify: () => request<Record<string, unknown>>('/audit/verify'),
};

/** Saves a Response (file download) under its Content-Disposition name. */
export async function saveResponse(res: Response, fallbackName: string): Promise<void> {
  const blob = await res.blob();
  const cd = res.headers.get('Content-Disposition') ?? '';
  const m = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(cd);
  saveBlob(blob, m ? decodeURIComponent(m[1]) : fallbackName);
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
