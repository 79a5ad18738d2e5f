// Task lifecycle as shown on the board (the API enforces the rules).
export const COLUMNS = ['proposed', 'approved', 'in_progress', 'done', 'closed'] as const;
export type Column = (typeof COLUMNS)[number];

export function normStatus(s: string | null | undefined): string {
  return (s ?? '').trim().toLowerCase().replace(/[\s-]+/g, '_');
}

export const COLUMN_LABEL: Record<string, string> = {
  proposed: 'Proposed',
  approved: 'Approved',
  in_progress: 'In progress',
  done: 'Done',
  closed: 'Closed',
};

/** The next moves offered from a status; `close` always needs an outcome. */
export function nextMoves(status: string): { to: Column; label: string; needs: 'tasking' | 'any' }[] {
  switch (normStatus(status)) {
    case 'proposed':
      return [{ to: 'approved', label: 'Approve', needs: 'tasking' }];
    case 'approved':
      return [{ to: 'in_progress', label: 'Start', needs: 'any' }];
    case 'in_progress':
      return [{ to: 'done', label: 'Mark done', needs: 'any' }];
    default:
      return [];
  }
}

/** The wire form of a status, following the spelling the server uses (in_progress or in-progress). */
export function wireStatus(col: string, seen: string[]): string {
  if (col === 'in_progress' && seen.some((s) => s.includes('-'))) return 'in-progress';
  return col;
}
