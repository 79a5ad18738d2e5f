import { useState } from 'preact/hooks';
import { api, itemsOf } from '../api';
import { ErrorBox, listText, Loading, Section } from '../components';
import { useAsync } from '../hooks';

export function AlertsPage() {
  const res = useAsync(() => api.alerts(1, 500).then(itemsOf), []);
  const [kind, setKind] = useState('');
  if (res.error) return <ErrorBox error={res.error} onRetry={res.reload} />;
  if (!res.data) return <Loading what="Loading alerts" />;
  const kinds = [...new Set(res.data.map((a) => a.kind))].sort();
  const rows = res.data.filter((a) => !kind || a.kind === kind);
  return (
    <>
      <h1>Alerts</h1>
      <div class="field inline">
        <label for="alert-kind">Kind</label>
        <select id="alert-kind" value={kind} onChange={(e) => setKind((e.target as HTMLSelectElement).value)}>
          <option value="">all ({res.data.length})</option>
          {kinds.map((k) => <option value={k}>{k} ({res.data!.filter((a) => a.kind === k).length})</option>)}
        </select>
      </div>
      <Section title={`Alerts (${rows.length})`}>
        <div class="table-scroll">
          <table>
            <caption class="sr-only">Alerts</caption>
            <thead><tr><th scope="col">Kind</th><th scope="col">Score</th><th scope="col">Summary</th><th scope="col">Detail</th></tr></thead>
            <tbody>
              {rows.map((a) => (
                <tr>
                  <td><span class={`akind k-${a.kind}`}>{a.kind.replace(/_/g, ' ')}</span></td>
                  <td>{a.score.toFixed(2)}</td>
                  <td>{a.summary}</td>
                  <td class="small">
                    {a.detail && typeof a.detail === 'object'
                      ? Object.entries(a.detail as Record<string, unknown>).slice(0, 8).map(([k, v]) => <span><b>{k.replace(/_/g, ' ')}</b> {listText(v)}; </span>)
                      : listText(a.detail)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Section>
    </>
  );
}
