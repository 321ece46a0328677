import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type ChannelLike, type ChatMessage, type PushLike, RoomChannel, mergeMessages } from './room-channel.ts';

/** A push whose replies the test triggers. */
class FakePush implements PushLike {
  private readonly callbacks = new Map<string, (response: unknown) => void>();
  constructor(readonly event: string, readonly payload: object) {}
  receive(status: string, callback: (response: unknown) => void): PushLike {
    this.callbacks.set(status, callback);
    return this;
  }
  reply(status: string, response: unknown): void {
    this.callbacks.get(status)?.(response);
  }
}

/** The parts of a phoenix Channel that RoomChannel and phoenix's Presence use. */
class FakeChannel implements ChannelLike {
  readonly handlers = new Map<string, ((payload: unknown) => void)[]>();
  readonly pushes: FakePush[] = [];
  joins: FakePush[] = [];
  ref = 1;
  on(event: string, callback: (payload: unknown) => void): number {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), callback]);
    return 0;
  }
  onError(): number {
    return 0;
  }
  join(): PushLike {
    const push = new FakePush('phx_join', {});
    this.joins.push(push);
    return push;
  }
  push(event: string, payload: object): PushLike {
    const push = new FakePush(event, payload);
    this.pushes.push(push);
    return push;
  }
  leave(): PushLike {
    return new FakePush('phx_leave', {});
  }
  joinRef(): string {
    return String(this.ref);
  }
  emit(event: string, payload: unknown): void {
    for (const handler of this.handlers.get(event) ?? []) handler(payload);
  }
}

function message(id: number, from = 'p_bob', text = `m${id}`): ChatMessage {
  return { id, participant_id: from, name: from, text, sent_at: '2026-11-24T00:00:00Z' };
}

function meta(name: string, joined: string, hand = false, ref = 'r') {
  return { name, joined_at: joined, hand_raised: hand, phx_ref: ref };
}

const expires = '2026-11-24T01:00:00Z';
const now = () => Date.parse('2026-11-24T00:00:00Z');

describe('RoomChannel', () => {
  let fake: FakeChannel;
  let room: RoomChannel;
  let setToken: (token: string) => void;

  beforeEach(() => {
    setToken = vi.fn();
    vi.useFakeTimers();
    fake = new FakeChannel();
    room = new RoomChannel(fake, { setToken, now });
    room.join();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const joinReply = (messages: ChatMessage[], participantId = 'p_me') => {
    fake.joins.at(-1)?.reply('ok', {
      participant_id: participantId,
      is_host: true,
      token_expires_at: expires,
      messages,
    });
  };

  it('shows the history of the join reply without counting it unread', () => {
    joinReply([message(1), message(2)]);
    const state = room.getSnapshot();
    expect(state.status).toBe('joined');
    expect(state.isHost).toBe(true);
    expect(state.messages.map((m) => m.id)).toEqual([1, 2]);
    expect(state.unread).toBe(0);
  });

  it('counts others’ messages unread while the chat is closed, and clears on opening', () => {
    joinReply([]);
    fake.emit('chat', message(1));
    fake.emit('chat', message(2));
    fake.emit('chat', message(3, 'p_me'));
    fake.emit('chat', message(2)); // a duplicate delivery is not a new message
    expect(room.getSnapshot().unread).toBe(2);
    room.setChatOpen(true);
    expect(room.getSnapshot().unread).toBe(0);
    fake.emit('chat', message(4));
    expect(room.getSnapshot().unread).toBe(0);
    room.setChatOpen(false);
    fake.emit('chat', message(5));
    expect(room.getSnapshot().unread).toBe(1);
    expect(room.getSnapshot().messages.map((m) => m.id)).toEqual([1, 2, 3, 4, 5]);
  });

  it('merges the history of a rejoin, counting only what was missed', () => {
    joinReply([message(1), message(2)]);
    fake.emit('chat', message(3));
    room.setChatOpen(true);
    room.setChatOpen(false);
    // A reconnect: the server's history overlaps what the tab has, plus two it missed.
    joinReply([message(2), message(3), message(4), message(5, 'p_me')]);
    const state = room.getSnapshot();
    expect(state.messages.map((m) => m.id)).toEqual([1, 2, 3, 4, 5]);
    expect(state.unread).toBe(1);
  });

  it('mergeMessages orders by id and drops duplicates', () => {
    expect(mergeMessages([message(3), message(1)], [message(2), message(3)]).map((m) => m.id)).toEqual([
      1, 2, 3,
    ]);
  });

  it('keeps the people list in sync with presence state and diffs, hands included', () => {
    joinReply([]);
    fake.emit('presence_state', {
      p_me: { metas: [meta('Me', '2026-11-24T00:00:01Z', false, 'a')] },
      p_bob: { metas: [meta('Bob', '2026-11-24T00:00:02Z', false, 'b')] },
    });
    expect(room.getSnapshot().people.map((p) => p.name)).toEqual(['Me', 'Bob']);
    // Bob raises his hand: a leave of the old meta and a join of the new one.
    fake.emit('presence_diff', {
      joins: { p_bob: { metas: [{ ...meta('Bob', '2026-11-24T00:00:02Z', true, 'c'), phx_ref_prev: 'b' }] } },
      leaves: { p_bob: { metas: [meta('Bob', '2026-11-24T00:00:02Z', false, 'b')] } },
    });
    expect(room.getSnapshot().people).toEqual([
      { id: 'p_me', name: 'Me', joinedAt: '2026-11-24T00:00:01Z', handRaised: false, path: null },
      { id: 'p_bob', name: 'Bob', joinedAt: '2026-11-24T00:00:02Z', handRaised: true, path: null },
    ]);
    fake.emit('presence_diff', { joins: {}, leaves: { p_bob: { metas: [meta('Bob', '', true, 'c')] } } });
    expect(room.getSnapshot().people.map((p) => p.id)).toEqual(['p_me']);
  });

  it('announces its own path once per change, again after a rejoin, and shows the others’', async () => {
    joinReply([]);
    const paths = () => fake.pushes.filter((p) => p.event === 'path').map((p) => p.payload);
    const sent = room.announcePath('turn-tls');
    fake.pushes.at(-1)?.reply('ok', { path: 'turn-tls' });
    await sent;
    await room.announcePath('turn-tls');
    expect(paths()).toEqual([{ path: 'turn-tls' }]);
    // A reconnect makes a new presence entry on the server, without the path.
    joinReply([]);
    expect(paths()).toEqual([{ path: 'turn-tls' }, { path: 'turn-tls' }]);
    // A refusal forgets it, so the next sample tries again.
    const refused = room.announcePath('udp');
    fake.pushes.at(-1)?.reply('error', { reason: 'invalid_path', message: 'no' });
    await expect(refused).rejects.toThrow();
    void room.announcePath('udp');
    expect(paths()).toHaveLength(4);

    fake.emit('presence_state', {
      p_bob: { metas: [meta('Bob', '2026-11-24T00:00:02Z', false, 'b'), { ...meta('Bob', '2026-11-24T00:00:03Z', false, 'c'), path: 'turn-tcp' }] },
      p_ann: { metas: [{ ...meta('Ann', '2026-11-24T00:00:04Z', false, 'd'), path: null }] },
    });
    expect(room.getSnapshot().people.map((p) => [p.name, p.path])).toEqual([
      ['Bob', 'turn-tcp'],
      ['Ann', null],
    ]);
  });

  it('shows a reaction for a while', () => {
    joinReply([]);
    fake.emit('reaction', { participant_id: 'p_bob', name: 'Bob', emoji: '👍', sent_at: '' });
    expect(room.getSnapshot().reactions).toMatchObject([{ participantId: 'p_bob', emoji: '👍' }]);
    vi.advanceTimersByTime(5000);
    expect(room.getSnapshot().reactions).toEqual([]);
  });

  it('reports the room closed by the host, and a join refused because it is closed', () => {
    joinReply([]);
    fake.emit('room:closed', { by: 'p_host', closed_at: '' });
    expect(room.getSnapshot().status).toBe('closed');

    const other = new RoomChannel(new FakeChannel(), { setToken });
    const channel = new FakeChannel();
    const late = new RoomChannel(channel, { setToken });
    late.join();
    channel.joins[0]?.reply('error', { reason: 'room_closed' });
    expect(late.getSnapshot().status).toBe('closed');
    expect(other.getSnapshot().status).toBe('joining');
  });

  it('renews the token at half its remaining lifetime', async () => {
    joinReply([]);
    vi.advanceTimersByTime(29 * 60 * 1000);
    expect(fake.pushes.filter((p) => p.event === 'renew_token')).toHaveLength(0);
    vi.advanceTimersByTime(60 * 1000);
    const renew = fake.pushes.find((p) => p.event === 'renew_token');
    renew?.reply('ok', { token: 'fresh', expires_at: '2026-11-24T02:00:00Z' });
    await vi.advanceTimersByTimeAsync(0);
    expect(setToken).toHaveBeenCalledWith('fresh');
  });

  it('says so when this participant is removed, not when someone else is', () => {
    joinReply([]);
    fake.emit('participant:removed', { participant_id: 'p_other', name: 'Bob', by: 'p_me', by_name: 'Me' });
    expect(room.getSnapshot().status).toBe('joined');
    fake.emit('participant:removed', { participant_id: room.getSnapshot().participantId, name: 'Me' });
    expect(room.getSnapshot().status).toBe('removed');
    const channel = new FakeChannel();
    const again = new RoomChannel(channel, { setToken });
    again.join();
    channel.joins[0]?.reply('error', { reason: 'participant_removed', message: 'removed' });
    expect(again.getSnapshot().status).toBe('removed');
  });

  it('stops renewing after a final refusal but retries one that may pass', () => {
    joinReply([]);
    const renewals = () => fake.pushes.filter((p) => p.event === 'renew_token');
    vi.advanceTimersByTime(31 * 60 * 1000);
    renewals()[0]?.reply('timeout', {});
    vi.advanceTimersByTime(30_000);
    expect(renewals()).toHaveLength(2);
    renewals()[1]?.reply('error', { reason: 'sfu_unavailable', message: 'down' });
    vi.advanceTimersByTime(30_000);
    expect(renewals()).toHaveLength(3);
    renewals()[2]?.reply('error', { reason: 'session_expired', message: 'too long' });
    vi.advanceTimersByTime(10 * 60 * 60 * 1000);
    expect(renewals()).toHaveLength(3);
    expect(room.getSnapshot().error).toBe('too long');
  });

  it('gets a new token when a rejoin is refused as unauthorized', async () => {
    const refreshToken = vi.fn(() => Promise.resolve('rejoined'));
    const channel = new FakeChannel();
    const tab = new RoomChannel(channel, { setToken, refreshToken });
    tab.join();
    channel.joins[0]?.reply('error', { reason: 'unauthorized', message: 'token expired' });
    expect(tab.getSnapshot().error).toBe('token expired');
    await vi.advanceTimersByTimeAsync(0);
    expect(setToken).toHaveBeenCalledWith('rejoined');
  });

  it('refuses a message over 2,000 characters before sending it', async () => {
    joinReply([]);
    await expect(room.sendChat('x'.repeat(2001))).rejects.toThrow('at most 2000');
    expect(fake.pushes).toHaveLength(0);
    const sent = room.sendChat('hello');
    fake.pushes[0]?.reply('ok', message(7, 'p_me', 'hello'));
    await sent;
    expect(room.getSnapshot().messages.map((m) => m.text)).toEqual(['hello']);
  });

  it('keeps roles and the lock current, and whether this participant is a host', () => {
    fake.joins.at(-1)?.reply('ok', {
      participant_id: 'p_me',
      is_host: false,
      roles: { p_ada: 'host', p_x: 'admin' },
      locked: true,
      token_expires_at: expires,
      messages: [],
    });
    expect(room.getSnapshot()).toMatchObject({ roles: { p_ada: 'host' }, locked: true, isHost: false });
    fake.emit('participant:role', { participant_id: 'p_me', role: 'cohost', reason: 'given' });
    expect(room.getSnapshot()).toMatchObject({ roles: { p_ada: 'host', p_me: 'cohost' }, isHost: true });
    fake.emit('participant:role', { participant_id: 'p_me', role: null, reason: 'taken' });
    expect(room.getSnapshot().isHost).toBe(false);
    expect(room.getSnapshot().roles).toEqual({ p_ada: 'host' });
    fake.emit('room:locked', { locked: false, by: 'p_ada', by_name: 'Ada' });
    expect(room.getSnapshot().locked).toBe(false);
  });
});
