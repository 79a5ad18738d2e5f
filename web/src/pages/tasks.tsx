import { useState } from 'preact/hooks';
import { api, itemsOf, type Task } from '../api';
import { ErrorBox, listText, Loading } from '../components';
import { useAsync } from '../hooks';
import { href, type Route } from '../router';
import { isSupervisor, isTaskingAuthority, type User } from '../session';
import { COLUMN_LABEL, COLUMNS, nextMoves, normStatus, OUTCOMES, wireStatus } from '../tasks';

function historyText(h: unknown): string {
  if (!h || typeof h !== 'object') return String(h);
  const o = h as Record<string, unknown>;
  const who = o.actor ?? o.user ?? o.by ?? '';
  const when = o.at ?? o.when ?? o.changed_at ?? '';
  const what = o.to_status ?? o.to ?? o.status ?? o.action ?? '';
  const from = o.from_status ?? o.from;
  return `${String(when).slice(0, 16).replace('T', ' ')} ${who}: ${from ? `${from} → ` : ''}${what}${o.note ? ` (${o.note})` : ''}${o.outcome ? ` outcome: ${o.outcome}` : ''}`;
}

function TaskCard({ t, user, seen, onChanged }: { t: Task; user: User; seen: string[]; onChanged: (msg: string) => void }) {
  const [mode, setMode] = useState<'' | 'assign' | 'close'>('');
  const [owner, setOwner] = useState(t.owner_unit ?? '');
  const [due, setDue] = useState(t.due ?? '');
  const [outcome, setOutcome] = useState('');
  const [note, setNote] = useState('');
  const [err, setErr] = useState<string | null>(null);
  const st = normStatus(t.status);
  const move = async (to: string, out?: string, why?: string) => {
    setErr(null);
    try {
      await api.transition(t.task_id, wireStatus(to, seen), out, why || undefined);
      onChanged(`Task ${t.task_id} moved to ${COLUMN_LABEL[to] ?? to}.`);
    } catch (e) {
      setErr((e as Error).message);
    }
  };
  const idp = `task-${t.task_id}`;
  return (
    <li class="card" aria-labelledby={`${idp}-t`} data-task={t.task_id}>
      <div class="card-head">
        <span class={`strand s-${t.strand?.toLowerCase()}`}>{t.strand}</span>
        <a href={href('network', t.network_id)} class="small">{t.network_id}</a>
      </div>
      <p id={`${idp}-t`} class="card-title">{t.action}</p>
      <p class="small muted">
        {t.owner_level ?? ''} {t.owner_unit ? `· ${t.owner_unit}` : '· unassigned'}{t.due ? ` · due ${t.due}` : ''}
        {t.approved_by ? ` · approved by ${t.approved_by}` : ''}
      </p>
      {t.outcome ? <p class="small"><b>Outcome:</b> {t.outcome.replace(/-/g, ' ')}{t.outcome_note ? ` (${t.outcome_note})` : ''}</p> : null}
      <div class="card-actions">
        {nextMoves(st).map((mv) =>
          mv.needs === 'tasking' && !isTaskingAuthority(user) ? (
            <span class="small muted">awaiting tasking authority</span>
          ) : (
            <button type="button" class={mv.to === 'approved' ? 'primary' : ''} onClick={() => move(mv.to)} aria-label={`${mv.label} task ${t.task_id}: ${t.action}`}>{mv.label}</button>
          ),
        )}
        {isSupervisor(user) && st !== 'closed' ? <button type="button" aria-expanded={mode === 'assign'} onClick={() => setMode(mode === 'assign' ? '' : 'assign')} aria-label={`Assign task ${t.task_id}`}>Assign</button> : null}
        {st !== 'closed' ? <button type="button" aria-expanded={mode === 'close'} onClick={() => setMode(mode === 'close' ? '' : 'close')} aria-label={`Close task ${t.task_id} with an outcome`}>Close…</button> : null}
      </div>
      {mode === 'assign' ? (
        <form class="mini" onSubmit={async (e) => {
          e.preventDefault();
          setErr(null);
          try {
            await api.assign(t.task_id, { owner_unit: owner || undefined, due: due || undefined });
            setMode('');
            onChanged(`Task ${t.task_id} assigned to ${owner}.`);
          } catch (x) { setErr((x as Error).message); }
        }}>
          <label for={`${idp}-owner`}>Owner unit</label>
          <input id={`${idp}-owner`} value={owner} onInput={(e) => setOwner((e.target as HTMLInputElement).value)} />
          <label for={`${idp}-due`}>Due</label>
          <input id={`${idp}-due`} type="date" value={due} onInput={(e) => setDue((e.target as HTMLInputElement).value)} />
          <button type="submit">Save</button>
        </form>
      ) : null}
      {mode === 'close' ? (
        <form class="mini" onSubmit={(e) => { e.preventDefault(); if (outcome) void move('closed', outcome, note.trim()); }}>
          <label for={`${idp}-outcome`}>Outcome</label>
          <select id={`${idp}-outcome`} required value={outcome} onChange={(e) => setOutcome((e.target as HTMLSelectElement).value)}>
            <option value="">choose…</option>
            {OUTCOMES.map((o) => <option value={o}>{o.replace(/-/g, ' ')}</option>)}
          </select>
          <label for={`${idp}-note`}>Note</label>
          <textarea id={`${idp}-note`} rows={2} value={note} onInput={(e) => setNote((e.target as HTMLTextAreaElement).value)} />
          <button type="submit">Close with outcome</button>
        </form>
      ) : null}
      {err ? <p class="error small" role="alert">{err}</p> : null}
      {t.history?.length ? (
        <details class="small">
          <summary>History ({t.history.length})</summary>
          <ol>{t.history.map((h) => <li>{historyText(h)}</li>)}</ol>
        </details>
      ) : null}
    </li>
  );
}

export function TasksPage({ user, route }: { user: User; route: Route }) {
  const network = route.query.get('network') ?? '';
  const res = useAsync(() => api.tasks(network ? { network_id: network } : {}).then(itemsOf), [network]);
  const [msg, setMsg] = useState('');
  const [strand, setStrand] = useState('');
  if (res.error) return <ErrorBox error={res.error} onRetry={res.reload} />;
  if (!res.data) return <Loading what="Loading tasks" />;
  const seen = res.data.map((t) => t.status);
  const strands = [...new Set(res.data.map((t) => t.strand))].sort();
  const rows = res.data.filter((t) => !strand || t.strand === strand);
  const groups = new Map<string, Task[]>();
  for (const t of rows) {
    const s = normStatus(t.status);
    const key = (COLUMNS as readonly string[]).includes(s) ? s : 'closed';
    groups.set(key, [...(groups.get(key) ?? []), t]);
  }
  return (
    <>
      <h1>Tasking board{network ? ` · network ${network}` : ''}</h1>
      <div class="filters">
        <div class="field inline">
          <label for="strand">4P strand</label>
          <select id="strand" value={strand} onChange={(e) => setStrand((e.target as HTMLSelectElement).value)}>
            <option value="">all</option>
            {strands.map((s) => <option value={s}>{s}</option>)}
          </select>
        </div>
        {network ? <a href={href('tasks')}>All networks</a> : null}
        <span class="small muted">You are {user.role.replace(/_/g, ' ')}: {isTaskingAuthority(user) ? 'you can approve' : 'approval needs a tasking authority'}{isSupervisor(user) ? '; you can assign' : ''}. Owners: {listText([...new Set(res.data.map((t) => t.owner_unit).filter(Boolean))].slice(0, 6))}</span>
      </div>
      <p role="status" aria-live="polite" class="small">{msg}</p>
      <div class="board">
        {COLUMNS.map((c) => (
          <section class="column" aria-labelledby={`col-${c}`}>
            <h2 id={`col-${c}`}>{COLUMN_LABEL[c]} <span class="count">{groups.get(c)?.length ?? 0}</span></h2>
            <ul class="cards">
              {(groups.get(c) ?? []).map((t) => (
                <TaskCard t={t} user={user} seen={seen} onChanged={(m) => { setMsg(m); res.reload(); }} />
              ))}
            </ul>
          </section>
        ))}
      </div>
    </>
  );
}
