// Projection of latitude/longitude to screen coordinates for the SVG maps (no tiles).

export interface LatLon {
  latitude: number | null | undefined;
  longitude: number | null | undefined;
}

export interface Projection {
  (lat: number, lon: number): [number, number];
  scale: number;
}

/**
 * Equirectangular projection with longitude scaled by cos(mean latitude),
 * fitted (aspect preserved, centred) into width x height with `pad` pixels of margin.
 * Good enough for England and Wales (distortion under 1% against the National Grid at this scale).
 */
export function fitProjection(points: LatLon[], width: number, height: number, pad = 10): Projection {
  const ok = points.filter(
    (p): p is { latitude: number; longitude: number } =>
      typeof p.latitude === 'number' && typeof p.longitude === 'number' && Number.isFinite(p.latitude) && Number.isFinite(p.longitude),
  );
  let [minLat, maxLat, minLon, maxLon] = [49.9, 55.9, -5.8, 1.8]; // England and Wales by default
  if (ok.length) {
    minLat = Math.min(...ok.map((p) => p.latitude));
    maxLat = Math.max(...ok.map((p) => p.latitude));
    minLon = Math.min(...ok.map((p) => p.longitude));
    maxLon = Math.max(...ok.map((p) => p.longitude));
  }
  // a single point (or a tiny spread) gets a window of about 2 km
  const minSpan = 0.02;
  if (maxLat - minLat < minSpan) {
    const c = (maxLat + minLat) / 2;
    [minLat, maxLat] = [c - minSpan / 2, c + minSpan / 2];
  }
  if (maxLon - minLon < minSpan) {
    const c = (maxLon + minLon) / 2;
    [minLon, maxLon] = [c - minSpan / 2, c + minSpan / 2];
  }
  const k = Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180);
  const w = (maxLon - minLon) * k;
  const h = maxLat - minLat;
  const scale = Math.min((width - 2 * pad) / w, (height - 2 * pad) / h);
  const ox = pad + (width - 2 * pad - w * scale) / 2;
  const oy = pad + (height - 2 * pad - h * scale) / 2;
  const f = ((lat: number, lon: number): [number, number] => [
    ox + (lon - minLon) * k * scale,
    oy + (maxLat - lat) * scale,
  ]) as Projection;
  f.scale = scale;
  return f;
}

export interface HexCell<T> {
  q: number;
  r: number;
  x: number;
  y: number;
  items: T[];
}

/** Bins screen points into pointy-top hexagons of radius `radius`. */
export function hexbin<T>(items: T[], xy: (t: T) => [number, number], radius: number): HexCell<T>[] {
  const cells = new Map<string, HexCell<T>>();
  const w = Math.sqrt(3) * radius;
  for (const it of items) {
    const [x, y] = xy(it);
    // axial coordinates, then cube rounding
    const qf = ((Math.sqrt(3) / 3) * x - y / 3) / radius;
    const rf = ((2 / 3) * y) / radius;
    let q = Math.round(qf);
    let r = Math.round(rf);
    const s = Math.round(-qf - rf);
    const dq = Math.abs(q - qf);
    const dr = Math.abs(r - rf);
    const ds = Math.abs(s - (-qf - rf));
    if (dq > dr && dq > ds) q = -r - s;
    else if (dr > ds) r = -q - s;
    const key = `${q},${r}`;
    let c = cells.get(key);
    if (!c) {
      c = { q, r, x: w * (q + r / 2), y: 1.5 * radius * r, items: [] };
      cells.set(key, c);
    }
    c.items.push(it);
  }
  return [...cells.values()];
}

export function hexPath(cx: number, cy: number, radius: number): string {
  const pts: string[] = [];
  for (let i = 0; i < 6; i++) {
    const a = (Math.PI / 180) * (60 * i - 30);
    pts.push(`${(cx + radius * Math.cos(a)).toFixed(1)},${(cy + radius * Math.sin(a)).toFixed(1)}`);
  }
  return `M${pts.join('L')}Z`;
}
