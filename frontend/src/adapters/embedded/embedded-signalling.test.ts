import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  EmbeddedSignalling,
  type ServerMessage,
  type SignallingEvents,
  SignallingError,
  type SocketLike,
  parseServerMessage,
} from './embedded-signalling.ts';

/** A socket the test plays the server on. */
class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  closedWith: number | undefined | null = null;
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(code?: number): void {
    this.closedWith = code;
    this.readyState = 3;
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }
  deliver(message: Record<string, unknown>): void {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(message) }));
  }
  drop(code: number): void {
    this.readyState = 3;
    this.onclose?.(new CloseEvent('close', { code }));
  }
}

const joined = {
  type: 'joined',
  room: 'r1',
  participant: { id: 'p_a', name: 'Ann', joined_at: '2026-01-01T00:00:00Z', tracks: [] },
  participants: [],
  ice_servers: [],
};

function recorder(): SignallingEvents & { messages: ServerMessage[]; closes: unknown[] } {
  const messages: ServerMessage[] = [];
  const closes: unknown[] = [];
  return {
    messages,
    closes,
    onMessage: (message) => messages.push(message),
    onClose: (closed, code) => closes.push({ closed, code }),
  };
}

async function joinedSignalling(socket = new FakeSocket(), events = recorder()) {
  const joining = EmbeddedSignalling.join(socket, 'r1', 'tok', events);
  socket.open();
  socket.deliver(joined);
  const { signalling } = await joining;
  return { socket, events, signalling };
}

describe('embedded signalling', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('sends join first, once the socket opens, and resolves with joined', async () => {
    const socket = new FakeSocket();
    const joining = EmbeddedSignalling.join(socket, 'r1', 'tok', recorder());
    expect(socket.sent).toEqual([]);
    socket.open();
    expect(socket.sent).toEqual([{ type: 'join', room: 'r1', token: 'tok' }]);
    socket.deliver(joined);
    await expect(joining).resolves.toMatchObject({ joined: { participant: { id: 'p_a' } } });
  });

  it('rejects with the server code when the join is refused', async () => {
    const socket = new FakeSocket();
    const joining = EmbeddedSignalling.join(socket, 'r1', 'tok', recorder());
    socket.open();
    socket.deliver({ type: 'error', code: 'wrong_room', message: 'no', fatal: true });
    await expect(joining).rejects.toMatchObject({ code: 'wrong_room' });
    expect(socket.closedWith).toBeUndefined();
  });

  it('rejects when the socket closes or nothing comes back', async () => {
    const closing = new FakeSocket();
    const closed = EmbeddedSignalling.join(closing, 'r1', 'tok', recorder());
    closing.drop(1006);
    await expect(closed).rejects.toBeInstanceOf(SignallingError);

    const silent = new FakeSocket();
    const waiting = EmbeddedSignalling.join(silent, 'r1', 'tok', recorder());
    silent.open();
    vi.advanceTimersByTime(10_000);
    await expect(waiting).rejects.toMatchObject({ code: 'join_timeout' });
  });

  it('pairs answers with publish offers in order', async () => {
    const { socket, signalling, events } = await joinedSignalling();
    const first = signalling.publish('sdp1', { '0': 'microphone' });
    const second = signalling.publish('sdp2', { '0': 'microphone', '1': 'camera' });
    expect(socket.sent.slice(1)).toEqual([
      { type: 'offer', sdp: 'sdp1', tracks: { '0': 'microphone' } },
      { type: 'offer', sdp: 'sdp2', tracks: { '0': 'microphone', '1': 'camera' } },
    ]);
    socket.deliver({ type: 'answer', sdp: 'a1' });
    socket.deliver({ type: 'answer', sdp: 'a2' });
    await expect(first).resolves.toBe('a1');
    await expect(second).resolves.toBe('a2');
    expect(events.messages).toEqual([]);
  });

  it('fails the waiting offer on bad_offer and still reports the error', async () => {
    const { socket, signalling, events } = await joinedSignalling();
    const offer = signalling.publish('bad', {});
    socket.deliver({ type: 'error', code: 'bad_offer', message: 'no VP8', fatal: false });
    await expect(offer).rejects.toMatchObject({ code: 'bad_offer' });
    expect(events.messages).toMatchObject([{ type: 'error', code: 'bad_offer' }]);
  });

  it('passes server events through and ignores frames that are not messages', async () => {
    const { socket, events } = await joinedSignalling();
    socket.onmessage?.(new MessageEvent('message', { data: 'not json' }));
    socket.deliver({ type: 'participant_left', participant: 'p_b' });
    socket.deliver({ type: 'speakers', speakers: [] });
    const types = events.messages.map((message) => message.type);
    expect(types).toEqual(['participant_left', 'speakers']);
  });

  it('reports a close with the closed reason before it, and fails pending offers', async () => {
    const { socket, signalling, events } = await joinedSignalling();
    const offer = signalling.publish('sdp', {});
    socket.deliver({ type: 'closed', reason: 'removed', message: 'bye' });
    socket.drop(4002);
    await expect(offer).rejects.toBeInstanceOf(SignallingError);
    expect(events.closes).toEqual([{ closed: { reason: 'removed', message: 'bye' }, code: 4002 }]);
  });

  it('sends nothing and reports nothing after leave', async () => {
    const { socket, signalling, events } = await joinedSignalling();
    signalling.leave();
    expect(socket.sent.at(-1)).toEqual({ type: 'leave' });
    signalling.mute('camera', true);
    socket.drop(1000);
    expect(socket.sent.at(-1)).toEqual({ type: 'leave' });
    expect(events.closes).toEqual([]);
  });

  it('parses only JSON objects with a type', () => {
    expect(parseServerMessage('{"type":"pong"}')).toEqual({ type: 'pong' });
    expect(parseServerMessage('[1]')).toBeNull();
    expect(parseServerMessage('{"sdp":"x"}')).toBeNull();
    expect(parseServerMessage(42)).toBeNull();
  });
});
