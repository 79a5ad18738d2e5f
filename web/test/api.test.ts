import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, buildUrl, itemsOf, request, setFetcher, setHooks, toApiError } from '../src/api';

function res(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return new Response(status === 204 ? null : text, { status, headers });
}

describe('toApiError', () => {
  it('reads the contract error shape', () => {
    const e = toApiError(404, { error: { code: 'not_found', message: 'No such entity', detail: { id: 'P-1' } } });
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.code, e.message]).toEqual([404, 'not_found', 'No such entity']);
    expect(e.detail).toEqual({ id: 'P-1' });
  });
  it('reads FastAPI validation errors', () => {
    const e = toApiError(422, { detail: [{ msg: 'field required' }, { msg: 'bad date' }] });
    expect(e.code).toBe('invalid');
    expect(e.message).toBe('field required; bad date');
  });
  it('falls back on plain text and empty bodies', () => {
    expect(toApiError(502, 'Bad gateway').message).toBe('Bad gateway');
    expect(toApiError(500, null, 'Internal Server Error').code).toBe('server_error');
    expect(toApiError(428, null).purposeRequired).toBe(true);
  });
});

describe('request', () => {
  afterEach(() => setFetcher((i, init) => fetch(i, init)));

  it('builds query strings without empty values', () => {
    expect(buildUrl('/search', { q: 'Jon Smyth', type: 'person', dob: '' })).toBe('/api/v1/search?q=Jon+Smyth&type=person');
  });

  it('throws ApiError on error responses', async () => {
    setFetcher(async () => res(403, { error: { code: 'forbidden', message: 'tasking authority only' } }));
    await expect(request('/tasks/T1/transition', { method: 'POST', body: { to: 'approved' } })).rejects.toMatchObject({
      status: 403,
      code: 'forbidden',
    });
  });

  it('reports network failures as ApiError status 0', async () => {
    setFetcher(async () => {
      throw new TypeError('Failed to fetch');
    });
    await expect(request('/picture')).rejects.toMatchObject({ status: 0, code: 'network' });
  });

  it('rejects a non-JSON success body', async () => {
    setFetcher(async () => res(200, '<html>'));
    await expect(request('/picture')).rejects.toMatchObject({ code: 'bad_response' });
  });

  it('asks for a purpose on 428 and retries once', async () => {
    const calls: RequestInit[] = [];
    setFetcher(async (_u, init) => {
      calls.push(init!);
      return calls.length === 1 ? res(428, { error: { code: 'purpose_required', message: 'purpose needed' } }) : res(200, { ok: 1 });
    });
    const ask = vi.fn(async () => true);
    setHooks({ purposeRequired: ask });
    await expect(request('/entities/P-000001', { purpose: true })).resolves.toEqual({ ok: 1 });
    expect(ask).toHaveBeenCalledOnce();
    expect(calls).toHaveLength(2);
  });

  it('calls the unauthorised hook on 401', async () => {
    setFetcher(async () => res(401, { error: { code: 'unauthorised', message: 'expired' } }));
    const out = vi.fn();
    setHooks({ unauthorised: out });
    await expect(request('/me')).rejects.toMatchObject({ status: 401 });
    expect(out).toHaveBeenCalledOnce();
  });

  it('accepts paginated and bare lists', () => {
    expect(itemsOf({ items: [1, 2], total: 2, page: 1, page_size: 50 })).toEqual([1, 2]);
    expect(itemsOf([3])).toEqual([3]);
    expect(itemsOf(undefined)).toEqual([]);
  });
});
