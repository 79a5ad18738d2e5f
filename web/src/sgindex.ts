// The safeguarding list, fetched once per page load, so that anyone on it is shown
// as a potential victim with their route wherever they appear (profile, chart, lists).
import { api, itemsOf, type SafeguardingItem } from './api';

let cache: Promise<Map<string, SafeguardingItem>> | null = null;

export function safeguardingIndex(): Promise<Map<string, SafeguardingItem>> {
  if (!cache) {
    cache = api
      .safeguarding(1, 1000)
      .then((r) => new Map(itemsOf(r).map((s) => [s.entity_id, s])))
      .catch(() => {
        cache = null;
        return new Map<string, SafeguardingItem>();
      });
  }
  return cache;
}
