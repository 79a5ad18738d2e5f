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

let districtCache: Promise<import('./api').District[]> | null = null;

/** Postcode-district points (the map backdrop), fetched once per page load. */
export function districtsOnce(): Promise<import('./api').District[]> {
  if (!districtCache) {
    districtCache = api.districts().then(itemsOf).catch(() => {
      districtCache = null;
      return [];
    });
  }
  return districtCache;
}
