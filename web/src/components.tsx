import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { parseGrading } from './grading';
import { victimStatus, type PersonLike } from './safeguard';
import { onPurposeChange, purposeDialogClosed, registerAsker, setPurpose } from './purpose';
import { session } from './session';
import { ApiError } from './api';
import { styleFor } from './roles';

export function ClassificationBanner({ position }: { position: 'top' | 'bottom' }) {
  return (
    <div class={`classification ${position}`} role={position === 'top' ? 'banner' : undefined} aria-label="Protective marking">
      OFFICIAL-SENSITIVE
    </div>
  );
}

export function GradingBadge({ grading }: { grading: unknown }) {
  const g = parseGrading(grading);
  if (!g) {
    if (grading === null || grading === undefined || grading === '') return <span class="grading none" title="Not intelligence (no 3x5x2 grade)">ungraded</span>;
    return <span class="grading">{String(grading)}</span>;
  }
  return (
    <span class={`grading h-${g.handling || 'x'}`} title={g.description} aria-label={`Grading ${g.text}: ${g.description}`}>
      {g.text}
    </span>
  );
}

export function VictimBadge({ person, compact = false }: { person: PersonLike; compact?: boolean }) {
  const v = victimStatus(person);
  if (!v.potentialVictim) return null;
  const why = [v.child ? 'child' : '', v.nrm ? 'NRM referral' : ''].filter(Boolean).join(', ');
  return (
    <span class="victim">
      <span class="victim-badge">Potential victim{why ? ` (${why})` : ''}</span>
      {compact ? null : <span class="route"> Safeguarding route: {v.route}</span>}
    </span>
  );
}

export function RoleChip({ role, kind = 'person' }: { role: string | null | undefined; kind?: string }) {
  const st = styleFor(role, kind);
  return (
    <span class="role-chip">
      <span class={`swatch shape-${st.shape}`} style={{ background: st.colour }} aria-hidden="true" />
      {role || kind}
    </span>
  );
}

export function Loading({ what = 'Loading' }: { what?: string }) {
  return <p class="loading" role="status" aria-live="polite">{what}…</p>;
}

export function ErrorBox({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const e = error as ApiError;
  let msg = e.message;
  if (e.status === 404) msg = 'Not found, or outside your scope.';
  if (e.status === 403) msg = `You do not have permission for this (${e.message}).`;
  return (
    <div class="error" role="alert">
      <strong>Could not load.</strong> {msg}
      {e.code ? <span class="muted"> [{e.code}]</span> : null}
      {onRetry ? <button type="button" onClick={onRetry}>Try again</button> : null}
    </div>
  );
}

export function Section({ title, children, id }: { title: string; children: ComponentChildren; id?: string }) {
  const hid = `h-${(id ?? title).replace(/\W+/g, '-').toLowerCase()}`;
  return (
    <section class="panel" aria-labelledby={hid}>
      <h2 id={hid}>{title}</h2>
      {children}
    </section>
  );
}

export function listText(x: unknown): string {
  if (Array.isArray(x)) return x.map((v) => (v && typeof v === 'object' ? listText(v) : String(v))).join(', ');
  if (x === null || x === undefined) return '';
  if (typeof x === 'object') {
    const o = x as Record<string, unknown>;
    if (typeof o.reason === 'string') return o.reason;
    return JSON.stringify(x);
  }
  return String(x);
}

export function usePurpose(): string | null {
  const [p, setP] = useState(session.purpose());
  useEffect(() => onPurposeChange(setP), []);
  return p;
}

function PurposeForm({ onDone, onCancel, reason }: { onDone: () => void; onCancel?: () => void; reason?: string | null }) {
  const [value, setValue] = useState(session.purpose() ?? '');
  const ref = useRef<HTMLInputElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <form
      class="purpose-form"
      onSubmit={(e) => {
        e.preventDefault();
        if (!value.trim()) return;
        setPurpose(value);
        onDone();
      }}
    >
      {reason ? <p class="muted">{reason}</p> : null}
      <p>
        Searches of people, profiles and network views are consultations of personal data. Give the purpose or case
        reference; it is recorded in the audit trail with each consultation and kept for this session.
      </p>
      <label for="purpose-input">Purpose or case reference</label>
      <input
        id="purpose-input"
        ref={ref}
        value={value}
        required
        minLength={3}
        placeholder="e.g. OP-KESTREL-2026/014 safeguarding review"
        onInput={(e) => setValue((e.target as HTMLInputElement).value)}
      />
      <div class="buttons">
        <button type="submit" class="primary">Use this purpose</button>
        {onCancel ? <button type="button" onClick={onCancel}>Cancel</button> : null}
      </div>
    </form>
  );
}

/** Renders its children only once a purpose is set; otherwise asks for it inline. */
export function PurposeGate({ children }: { children: ComponentChildren }) {
  const p = usePurpose();
  if (p) return <>{children}</>;
  return (
    <section class="panel purpose-gate" aria-labelledby="purpose-title">
      <h2 id="purpose-title">Purpose of this consultation</h2>
      <PurposeForm onDone={() => undefined} />
    </section>
  );
}

/** Modal dialog opened by the API client when the server answers 428 purpose_required, or by "change". */
export function PurposeDialog() {
  const [open, setOpen] = useState<{ reason: string | null } | null>(null);
  const last = useRef<HTMLElement | null>(null);
  useEffect(() => {
    registerAsker((reason) => {
      last.current = document.activeElement as HTMLElement | null;
      setOpen({ reason });
    });
    return () => registerAsker(null);
  }, []);
  if (!open) return null;
  const close = (ok: boolean) => {
    setOpen(null);
    purposeDialogClosed(ok);
    last.current?.focus();
  };
  return (
    <div class="modal-backdrop" onKeyDown={(e) => e.key === 'Escape' && close(false)}>
      <div class="modal" role="dialog" aria-modal="true" aria-labelledby="purpose-dialog-title">
        <h2 id="purpose-dialog-title">Purpose of this consultation</h2>
        <PurposeForm reason={open.reason} onDone={() => close(true)} onCancel={() => close(false)} />
      </div>
    </div>
  );
}

export function Tabs<T extends string>({ value, options, onChange, label }: { value: T; options: [T, string][]; onChange: (v: T) => void; label: string }) {
  return (
    <div role="group" aria-label={label} class="seg">
      {options.map(([v, text]) => (
        <button type="button" aria-pressed={v === value} class={v === value ? 'on' : ''} onClick={() => onChange(v)}>
          {text}
        </button>
      ))}
    </div>
  );
}

interface EvidenceItem { reason?: string; source_id?: string; ref?: string; [k: string]: unknown }

/** Evidence lists ({reason, source_id, ref}): the first reasons inline, the rest behind a disclosure. */
export function Evidence({ items, show = 1 }: { items: unknown; show?: number }) {
  if (!Array.isArray(items) || !items.length) return items ? <span>{listText(items)}</span> : null;
  const ev = items.map((x) => (x && typeof x === 'object' ? (x as EvidenceItem) : { reason: String(x) }));
  const line = (e: EvidenceItem) => (
    <li>
      {e.reason ?? ''}
      {e.source_id ? <code class="small muted"> {e.source_id}:{e.ref}</code> : null}
    </li>
  );
  return (
    <div class="evidence">
      <ul>{ev.slice(0, show).map(line)}</ul>
      {ev.length > show ? (
        <details>
          <summary>{ev.length - show} more</summary>
          <ul>{ev.slice(show).map(line)}</ul>
        </details>
      ) : null}
    </div>
  );
}
