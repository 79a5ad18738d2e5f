import { describe, expect, it } from 'vitest';
import { fitProjection, hexbin } from '../src/projection';

describe('projection', () => {
  const london = { latitude: 51.5074, longitude: -0.1278 };
  const cardiff = { latitude: 51.4816, longitude: -3.1791 };
  const newcastle = { latitude: 54.9783, longitude: -1.6178 };
  it('fits the points inside the box with the padding, north up', () => {
    const p = fitProjection([london, cardiff, newcastle], 400, 500, 10);
    for (const c of [london, cardiff, newcastle]) {
      const [x, y] = p(c.latitude, c.longitude);
      expect(x).toBeGreaterThanOrEqual(10 - 1e-9);
      expect(x).toBeLessThanOrEqual(390 + 1e-9);
      expect(y).toBeGreaterThanOrEqual(10 - 1e-9);
      expect(y).toBeLessThanOrEqual(490 + 1e-9);
    }
    expect(p(newcastle.latitude, newcastle.longitude)[1]).toBeLessThan(p(london.latitude, london.longitude)[1]);
    expect(p(cardiff.latitude, cardiff.longitude)[0]).toBeLessThan(p(london.latitude, london.longitude)[0]);
  });
  it('keeps the aspect ratio (east-west shrunk by cos latitude)', () => {
    const p = fitProjection([london, cardiff, newcastle], 1000, 1000, 0);
    const [x1, y1] = p(51.5, -1);
    const [x2] = p(51.5, 0);
    const [, y2] = p(52.5, -1);
    const ratio = (x2 - x1) / (y1 - y2);
    expect(ratio).toBeCloseTo(Math.cos((((51.4816 + 54.9783) / 2) * Math.PI) / 180), 5);
  });
  it('handles a single point and no points', () => {
    const [x, y] = fitProjection([london], 200, 200, 10)(london.latitude, london.longitude);
    expect(x).toBeCloseTo(100, 5);
    expect(y).toBeCloseTo(100, 5);
    const [ex, ey] = fitProjection([], 200, 200)(52.5, -1.9); // England and Wales default box
    expect(ex).toBeGreaterThan(0);
    expect(ey).toBeGreaterThan(0);
    expect(fitProjection([{ latitude: null, longitude: 1 }], 200, 200).scale).toBeGreaterThan(0);
  });
  it('bins nearby points into one hexagon', () => {
    const cells = hexbin([[0, 0], [1, 1], [50, 50]] as [number, number][], (d) => d, 5);
    expect(cells).toHaveLength(2);
    expect(cells.map((c) => c.items.length).sort()).toEqual([1, 2]);
  });
});
