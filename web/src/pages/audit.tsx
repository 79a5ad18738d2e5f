import { useState } from 'preact/hooks';
import { api, itemsOf, saveResponse } from '../api';
import { ErrorBox, listText, Loading, Section } from '../components';
import { useAsync } from '../hooks';
import { isSupervisor, type User } from '../session';

const PREFERRED = ['seq', 'id', 'logged_at', 'at', 'ts', 'time', 'actor', 'user', 'action', 'kind', 'purpose', 'target', 'detail', 'ids', 'hash'];

export function AuditPage({ user }: { user: User }) {
  const [page, setPage] = useState(1);
  const res = useAsync(() => api.audit(page, 50), [page]);
  const [verify, setVerify] = useState<string | null>(null);
  if (!isSupervisor(user)) return <p class="error">The audit trail is for supervisors.</p>;
  if (res.error) return <ErrorBox error={res.error} onRetry={res.reload} />;
  if (!res.data) return <Loading what="Loading the audit trail" />;
  const items = itemsOf(res.data);
  const total = Array.isArray(res.data) ? items.length : res.data.total;
  const cols = items.length ? Object.keys(items[0]).sort((a, b) => (PREFERRED.indexOf(a) + 1 || 99) - (PREFERRED.indexOf(b) + 1 || 99)) : [];
  const pages = Math.max(1, Math.ceil(total / 50));
  return (
    <>
      <h1>Audit trail</h1>
      <div class="toolbar">
        <button type="button" onClick={async () => { try { await saveResponse(await api.auditExport(), 'audit.csv'); } catch (e) { setVerify(`Export failed: ${(e as Error).message}`); } }}>Export CSV</button>
        <button type="button" onClick={async () => {
          try {
            const v = await api.auditVerify();
            const ok = v.ok ?? v.valid ?? v.verified;
            setVerify(`${ok === false ? 'Chain BROKEN' : 'Chain verified'}: ${Object.entries(v).map(([k, x]) => `${k} ${listText(x)}`).join(', ')}`);
          } catch (e) { setVerify(`Verify failed: ${(e as Error).message}`); }
        }}>Verify the chain</button>
        <span role="status" aria-live="polite" class="small" data-testid="verify-result">{verify}</span>
      </div>
      <Section title={`Entries (${total})`}>
        <div class="table-scroll">
          <table class="small audit">
            <caption class="sr-only">Audit entries, newest first</caption>
            <thead><tr>{cols.map((c) => <th scope="col">{c.replace(/_/g, ' ')}</th>)}</tr></thead>
            <tbody>{items.map((r) => <tr>{cols.map((c) => {
              const t = typeof r[c] === 'object' && r[c] !== null ? JSON.stringify(r[c]) : listText(r[c]);
              return <td>{t.length > 140 ? <details><summary>{t.slice(0, 100)}…</summary><code class="small">{t}</code></details> : t}</td>;
            })}</tr>)}</tbody>
          </table>
        </div>
        <nav class="pager" aria-label="Audit pages">
          <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>Newer</button>
          <span>Page {page} of {pages}</span>
          <button type="button" disabled={page >= pages} onClick={() => setPage(page + 1)}>Older</button>
        </nav>
      </Section>
    </>
  );
}
