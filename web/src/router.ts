// Hash router: #/page/arg?query
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  path: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const h = hash.replace(/^#\/?/, '');
  const [p, q = ''] = h.split('?');
  return { path: p.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(q) };
}

export function href(...parts: (string | Record<string, string | undefined>)[]): string {
  const segs: string[] = [];
  let q = '';
  for (const p of parts) {
    if (typeof p === 'string') segs.push(encodeURIComponent(p));
    else {
      const qs = new URLSearchParams();
      for (const [k, v] of Object.entries(p)) if (v) qs.set(k, v);
      q = qs.toString();
    }
  }
  return `#/${segs.join('/')}${q ? `?${q}` : ''}`;
}

export function go(to: string): void {
  if (location.hash !== to) location.hash = to;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseHash(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
