// The purpose / case reference sent as X-Toex-Purpose, remembered for the session.
import { session } from './session';

type Listener = (p: string | null) => void;
const listeners = new Set<Listener>();
let pending: ((ok: boolean) => void) | null = null;
let asking: Listener | null = null;

export function onPurposeChange(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function setPurpose(p: string | null): void {
  session.setPurpose(p);
  listeners.forEach((l) => l(session.purpose()));
}

/** The dialog registers itself here; `askPurpose` opens it and resolves when it closes. */
export function registerAsker(open: Listener | null): void {
  asking = open;
}

export function askPurpose(reason: string | null = null): Promise<boolean> {
  if (!asking) return Promise.resolve(false);
  pending?.(false);
  return new Promise((resolve) => {
    pending = resolve;
    asking!(reason);
  });
}

export function purposeDialogClosed(ok: boolean): void {
  const p = pending;
  pending = null;
  p?.(ok);
}
