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

/** The wire form of a status: the contract spells it in-progress; follow the server if it uses in_progress. */
export function wireStatus(col: string, seen: string[]): string {
  if (col === 'in_progress') return seen.includes('in_progress') ? 'in_progress' : 'in-progress';
  return col;
}

/** Outcomes the task stage accepts when a task is closed (toex.task.lifecycle.OUTCOMES). */
export const OUTCOMES = [
  'child-safeguarded', 'adult-safeguarded', 'nrm-referral-made', 'arrest', 'charge', 'line-closed', 'asset-seized',
  'front-disrupted', 'intelligence-developed', 'no-further-action', 'not-approved', 'duplicate', 'other',
];
