import { describe, expect, it } from 'vitest';
import { filterByWindow, inWindow, timeBounds, toTime } from '../src/timefilter';
import { emptyModel, mergeGraph, visibleEdgeIds } from '../src/chart';

const t = (s: string) => toTime(s)!;

describe('time window', () => {
  it('parses partial dates', () => {
    expect(t('2024')).toBe(Date.UTC(2024, 0, 1));
    expect(t('2024-03')).toBe(Date.UTC(2024, 2, 1));
    expect(t('2024-03-05')).toBe(Date.UTC(2024, 2, 5));
    expect(toTime(null)).toBeNull();
    expect(toTime('soon')).toBeNull();
  });
  it('keeps overlapping intervals, points inside and undated items', () => {
    const from = t('2024-02-01');
    const to = t('2024-02-29');
    expect(inWindow({ since: '2024-01-01', until: '2024-02-10' }, from, to)).toBe(true);
    expect(inWindow({ since: '2024-01-01', until: '2024-01-31' }, from, to)).toBe(false);
    expect(inWindow({ since: '2024-02-15' }, from, to)).toBe(true); // a point in time
    expect(inWindow({ since: '2024-03-01' }, from, to)).toBe(false);
    expect(inWindow({ until: '2024-02-02' }, from, to)).toBe(true); // open start
    expect(inWindow({}, from, to)).toBe(true);
  });
  it('bounds and filters', () => {
    const items = [{ since: '2023-05-01' }, { since: '2024-01-01', until: '2024-06-30' }, { since: null }];
    expect(timeBounds(items)).toEqual([t('2023-05-01'), t('2024-06-30')]);
    expect(timeBounds([{}])).toBeNull();
    expect(filterByWindow(items, t('2024-02-01'), t('2024-12-31'))).toHaveLength(2);
    expect(filterByWindow(items, null, null)).toHaveLength(3);
  });
  it('filters chart edges by type and window', () => {
    const m = emptyModel();
    mergeGraph(m, {
      nodes: [{ id: 'P-1', kind: 'person', label: 'A' }, { id: 'P-2', kind: 'person', label: 'B' }, { id: 'T-1', kind: 'object', label: '07700' }],
      edges: [
        { source: 'P-1', target: 'P-2', type: 'associate_of', since: '2024-01-01', until: '2024-01-31' },
        { source: 'P-1', target: 'T-1', type: 'uses_phone', since: '2024-03-01' },
        { source: 'P-1', target: 'X-9', type: 'uses_phone', since: '2024-03-01' }, // dangling: dropped
      ],
    });
    expect(m.edges.size).toBe(2);
    expect(visibleEdgeIds(m, new Set(), null, null).size).toBe(2);
    expect(visibleEdgeIds(m, new Set(['uses_phone']), null, null).size).toBe(1);
    expect(visibleEdgeIds(m, new Set(), t('2024-02-01'), t('2024-12-31')).size).toBe(1);
    // merging again adds nothing
    expect(mergeGraph(m, { nodes: [{ id: 'P-1', kind: 'person', label: 'A' }], edges: [] }).nodes).toEqual([]);
  });
});
