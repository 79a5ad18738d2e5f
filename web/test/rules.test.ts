import { describe, expect, it } from 'vitest';
import { parseGrading } from '../src/grading';
import { ageFrom, displayRole, victimStatus } from '../src/safeguard';
import { nodeRole } from '../src/chart';
import { nextMoves, normStatus, wireStatus } from '../src/tasks';

describe('3x5x2 grading', () => {
  it('parses the stored form and variants', () => {
    expect(parseGrading('1B P')?.text).toBe('1B P');
    expect(parseGrading('2c')?.text).toBe('2C');
    expect(parseGrading('3E/C')?.handling).toBe('C');
    expect(parseGrading({ source: '1', intelligence: 'a', handling: 'p' })?.text).toBe('1A P');
    expect(parseGrading('1B P')?.description).toContain('Reliable');
    expect(parseGrading('5X')).toBeNull();
    expect(parseGrading(null)).toBeNull();
  });
});

describe('safeguarding display rules', () => {
  it('a child is always a potential victim, whatever role the analysis gave', () => {
    const child = { kind: 'person', role: 'organiser', age: 15 };
    expect(victimStatus(child).potentialVictim).toBe(true);
    expect(victimStatus(child).route).toMatch(/children's social care/);
    expect(displayRole(child)).toBe('potential victim');
    expect(nodeRole({ id: 'P-1', kind: 'person', label: 'x', role: 'associate' }, { entity_id: 'P-1', kind: 'person', label: 'x', role: 'associate', age: 16 })).toBe('potential victim');
  });
  it('an NRM-referred adult is a potential victim', () => {
    const adult = { kind: 'person', role: 'associate', age: 30, indicators: [{ indicator: 'nrm_referral' }] };
    expect(victimStatus(adult)).toMatchObject({ potentialVictim: true, nrm: true, child: false });
  });
  it('an adult organiser is not', () => {
    expect(victimStatus({ kind: 'person', role: 'organiser', age: 34 }).potentialVictim).toBe(false);
    expect(displayRole({ kind: 'person', role: 'organiser', age: 34 })).toBe('organiser');
  });
  it('age from a date of birth', () => {
    expect(ageFrom('2010-06-15', new Date(2026, 5, 14))).toBe(15);
    expect(ageFrom('2010-06-15', new Date(2026, 5, 15))).toBe(16);
    expect(ageFrom(undefined)).toBeNull();
    expect(victimStatus({ kind: 'person', attributes: { dob: '2012-01-01' } }).child).toBe(true);
  });
});

describe('task board', () => {
  it('normalises statuses and offers moves', () => {
    expect(normStatus('In-Progress')).toBe('in_progress');
    expect(nextMoves('proposed')[0]).toMatchObject({ to: 'approved', needs: 'tasking' });
    expect(nextMoves('closed')).toEqual([]);
    expect(wireStatus('in_progress', ['in-progress'])).toBe('in-progress');
    expect(wireStatus('in_progress', ['proposed'])).toBe('in-progress');
    expect(wireStatus('in_progress', ['in_progress'])).toBe('in_progress');
  });
});
