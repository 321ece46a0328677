import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type RoomChannel, type RoomChannelState, initialRoomChannelState } from '../../../services/room-channel.ts';
import { PeoplePanel } from '../people-panel.tsx';
import { Announcements, MutedNotice } from './host-notices.tsx';
import { ANNOUNCEMENT_SHOWN_MS } from './use-host-events.ts';
import { useHostUi } from './use-host-ui.tsx';

/** The two things the host UI uses of a room channel: events in, requests out. */
class FakeRoomChannel {
  readonly handlers = new Map<string, ((payload: unknown) => void)[]>();
  readonly sent: [string, object][] = [];
  refuse: string | null = null;
  on(event: string, callback: (payload: unknown) => void): void {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), callback]);
  }
  send(event: string, payload: object): Promise<unknown> {
    this.sent.push([event, payload]);
    return this.refuse ? Promise.reject(new Error(this.refuse)) : Promise.resolve({});
  }
  emit(event: string, payload: unknown): void {
    act(() => {
      for (const handler of this.handlers.get(event) ?? []) handler(payload);
    });
  }
}

const people = [
  { id: 'p_ada', name: 'Ada', joinedAt: '1', handRaised: false, path: null },
  { id: 'p_bob', name: 'Bob', joinedAt: '2', handRaised: false, path: null },
];

function Harness(props: { fake: FakeRoomChannel; live: RoomChannelState; ownId: string; onError: (m: string) => void }) {
  const host = useHostUi({
    channel: props.fake as unknown as RoomChannel,
    live: props.live,
    ownId: props.ownId,
    participants: [],
    onError: props.onError,
  });
  return (
    <>
      {host.mutedMe && <MutedNotice muted={host.mutedMe} onTurnOn={host.dismissMuted} onDismiss={host.dismissMuted} />}
      <PeoplePanel
        people={props.live.people}
        ownId={props.ownId}
        roles={props.live.roles}
        onClose={() => undefined}
        hostControls={host.roomControls(null)}
        menuFor={(person) => host.menuFor(person.id, person.name)}
      />
      <Announcements items={host.announcements} />
    </>
  );
}

describe('the host UI in the people panel', () => {
  let fake: FakeRoomChannel;
  beforeEach(() => {
    fake = new FakeRoomChannel();
  });
  afterEach(() => {
    cleanup();
    vi.useRealTimers();
  });

  const live = (isHost: boolean): RoomChannelState => ({
    ...initialRoomChannelState,
    status: 'joined',
    isHost,
    people,
    roles: { p_ada: 'host' },
  });

  it('shows roles to everyone and a menu for each other participant to a host only', async () => {
    const onError = vi.fn();
    const { rerender } = render(<Harness fake={fake} live={live(false)} ownId="p_bob" onError={onError} />);
    expect(screen.getByText('Host').closest('li')?.dataset.participantId).toBe('p_ada');
    expect(screen.queryByRole('button', { name: /^Host actions/ })).toBeNull();
    expect(screen.queryByRole('region', { name: 'Room controls' })).toBeNull();

    rerender(<Harness fake={fake} live={live(true)} ownId="p_ada" onError={onError} />);
    expect(screen.getAllByRole('button', { name: /^Host actions/ }).map((b) => b.getAttribute('aria-label'))).toEqual([
      'Host actions for Bob',
    ]);
    fireEvent.click(screen.getByRole('button', { name: 'Mute everyone' }));
    fireEvent.click(screen.getByLabelText('Lock the room: let nobody new in'));
    fake.refuse = 'Only a host can do that';
    fireEvent.click(screen.getByRole('button', { name: 'Host actions for Bob' }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Remove from the room' }));
    expect(fake.sent).toEqual([
      ['mute_all', { source: 'microphone' }],
      ['lock_room', { locked: true }],
      ['remove_participant', { participant_id: 'p_bob' }],
    ]);
    await act(() => Promise.resolve());
    expect(onError).toHaveBeenCalledWith('Only a host can do that');
  });

  it('tells the muted one, announces to everyone, and lets each line go after a while', () => {
    vi.useFakeTimers();
    render(<Harness fake={fake} live={live(false)} ownId="p_bob" onError={vi.fn()} />);
    fake.emit('participant:muted', { participant_ids: ['p_bob'], everyone: false, source: 'microphone', by: 'p_ada', by_name: 'Ada' });
    expect(screen.getByRole('alert')).toHaveProperty('textContent', expect.stringContaining('The host muted you'));
    expect(screen.getByRole('alert').textContent).toContain('Ada muted your microphone.');
    fireEvent.click(screen.getByRole('button', { name: 'Unmute' }));
    expect(screen.queryByRole('alert')).toBeNull();

    fake.emit('room:locked', { locked: true, by: 'p_ada', by_name: 'Ada' });
    const log = screen.getByRole('log', { name: 'Room announcements' });
    expect(log.textContent).toBe('Ada locked the room');
    act(() => {
      vi.advanceTimersByTime(ANNOUNCEMENT_SHOWN_MS);
    });
    expect(log.textContent).toBe('');
  });
});
