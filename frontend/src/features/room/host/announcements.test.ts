import { describe, expect, it } from 'vitest';
import { type HostEventContext, hearHostEvent } from './announcements.ts';

const names: Record<string, string> = { p_ada: 'Ada', p_bob: 'Bob', p_cy: 'Cy' };
const as = (ownId: string): HostEventContext => ({ ownId, nameOf: (id) => names[id] });
const by = { by: 'p_ada', by_name: 'Ada' };

describe('hearHostEvent', () => {
  it('tells the muted one "the host muted you" and the others who muted whom', () => {
    const mute = { participant_ids: ['p_bob'], everyone: false, source: 'microphone', ...by };
    expect(hearHostEvent('participant:muted', mute, as('p_bob'))).toEqual({
      text: null,
      mutedMe: { source: 'microphone', by: 'Ada' },
    });
    expect(hearHostEvent('participant:muted', mute, as('p_cy'))).toEqual({ text: 'Ada muted Bob', mutedMe: null });
    const camera = { ...mute, source: 'camera' };
    expect(hearHostEvent('participant:muted', camera, as('p_ada')).text).toBe("Ada turned off Bob's camera");
    expect(hearHostEvent('participant:muted', camera, as('p_bob')).mutedMe).toEqual({ source: 'camera', by: 'Ada' });
  });

  it('says "muted everyone" to all, and the muted get their notice too', () => {
    const all = { participant_ids: ['p_bob', 'p_cy'], everyone: true, source: 'microphone', ...by };
    expect(hearHostEvent('participant:muted', all, as('p_cy'))).toEqual({
      text: 'Ada muted everyone',
      mutedMe: { source: 'microphone', by: 'Ada' },
    });
    expect(hearHostEvent('participant:muted', all, as('p_ada'))).toEqual({ text: 'Ada muted everyone', mutedMe: null });
  });

  it('announces a removal to the others only', () => {
    const removed = { participant_id: 'p_bob', name: 'Bob', ...by };
    expect(hearHostEvent('participant:removed', removed, as('p_cy')).text).toBe('Ada removed Bob');
    expect(hearHostEvent('participant:removed', removed, as('p_bob')).text).toBeNull();
  });

  it('words role changes, handover included, for the one concerned and the others', () => {
    const given = { participant_id: 'p_bob', name: 'Bob', role: 'cohost', reason: 'given', ...by };
    expect(hearHostEvent('participant:role', given, as('p_cy')).text).toBe('Ada made Bob a co-host');
    expect(hearHostEvent('participant:role', given, as('p_bob')).text).toBe('Ada made you a co-host');
    const taken = { ...given, role: null, reason: 'taken' };
    expect(hearHostEvent('participant:role', taken, as('p_cy')).text).toBe("Ada took back Bob's co-host role");
    const handover = { participant_id: 'p_cy', name: 'Cy', role: 'host', reason: 'handover', by: null, by_name: null };
    expect(hearHostEvent('participant:role', handover, as('p_bob')).text).toBe('Cy is now the host');
    expect(hearHostEvent('participant:role', handover, as('p_cy')).text).toBe('You are now the host');
  });

  it('announces the lock and the lobby', () => {
    expect(hearHostEvent('room:locked', { locked: true, ...by }, as('p_bob')).text).toBe('Ada locked the room');
    expect(hearHostEvent('room:locked', { locked: false, ...by }, as('p_bob')).text).toBe('Ada unlocked the room');
    expect(hearHostEvent('lobby:changed', { enabled: true, ...by }, as('p_bob')).text).toBe('Ada turned the lobby on');
  });
});
