import { useState } from 'preact/hooks';
import { api, itemsOf } from '../api';
import { ErrorBox, Loading, PurposeGate, VictimBadge } from '../components';
import { safeguardingIndex } from '../sgindex';
import { useAsync } from '../hooks';
import { go, href, type Route } from '../router';

const TYPES = ['any', 'person', 'phone', 'vehicle', 'postcode', 'address', 'company'];

function Results({ q, type, dob }: { q: string; type: string; dob: string }) {
  const res = useAsync(() => (q ? Promise.all([api.search(q, type, dob || undefined).then(itemsOf), safeguardingIndex()]) : Promise.resolve(null)), [q, type, dob]);
  if (!q) return null;
  if (res.error) return <ErrorBox error={res.error} onRetry={res.reload} />;
  if (res.loading || !res.data) return <Loading what="Searching" />;
  const [hits, sg] = res.data;
  if (!hits.length) return <p role="status" class="no-results">No matches for “{q}”. Try fewer letters, another spelling or a partial date of birth.</p>;
  return (
    <section aria-labelledby="results-title" class="panel">
      <h2 id="results-title" aria-live="polite">{hits.length} result{hits.length === 1 ? '' : 's'} for “{q}”</h2>
      <ol class="results">
        {hits.map((h) => (
          <li>
            <a href={href('entity', h.entity_id)} class="result-link">
              <span class="kind">{h.kind}</span> <strong>{h.label}</strong>
            </a>{' '}
            <span class="muted">{h.entity_id}</span>
            {sg.has(h.entity_id) ? <> <VictimBadge person={{ kind: 'person', listed: true, age: sg.get(h.entity_id)?.age, nrm: sg.get(h.entity_id)?.nrm_referred, route: sg.get(h.entity_id)?.route }} compact /></> : null}
            {h.detail ? <div class="small">{h.detail}</div> : null}
            {typeof h.score === 'number' ? <div class="small muted">match score {h.score.toFixed(2)}</div> : null}
          </li>
        ))}
      </ol>
    </section>
  );
}

export function SearchPage({ route }: { route: Route }) {
  const q = route.query.get('q') ?? '';
  const type = route.query.get('type') ?? 'person';
  const dob = route.query.get('dob') ?? '';
  const [form, setForm] = useState({ q, type, dob });
  return (
    <PurposeGate>
      <h1>Search</h1>
      <form
        class="panel search-form"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          go(href('search', { q: form.q.trim(), type: form.type, dob: form.dob.trim() || undefined }));
        }}
      >
        <div class="field grow">
          <label for="q">Name, phone, vehicle, postcode, address or company</label>
          <input id="q" name="q" type="search" required value={form.q} autocomplete="off" onInput={(e) => setForm({ ...form, q: (e.target as HTMLInputElement).value })} />
        </div>
        <div class="field">
          <label for="type">Type</label>
          <select id="type" value={form.type} onChange={(e) => setForm({ ...form, type: (e.target as HTMLSelectElement).value })}>
            {TYPES.map((t) => <option value={t}>{t}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="dob">Date of birth (optional, partial)</label>
          <input id="dob" placeholder="YYYY or YYYY-MM-DD" value={form.dob} onInput={(e) => setForm({ ...form, dob: (e.target as HTMLInputElement).value })} />
        </div>
        <button type="submit" class="primary">Search</button>
      </form>
      <p class="small muted">Person search tolerates misspellings, name variants and partial dates of birth. Results are limited to your scope.</p>
      <Results q={q} type={type} dob={dob} />
    </PurposeGate>
  );
}
