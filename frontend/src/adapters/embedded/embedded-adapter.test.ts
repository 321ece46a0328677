import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { EmbeddedAdapter } from './embedded-adapter.ts';
import type { SocketLike } from './embedded-signalling.ts';
import type { ConnectOptions } from '../sfu-adapter.ts';

/** A socket the test plays the SFU on. */
class FakeSocket implements SocketLike {
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;

  send(data: string): void {
    this.sent.push(JSON.parse(data) as Record<string, unknown>);
  }
  close(): void {
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
  /** The token this socket's `join` carried. */
  joinToken(): unknown {
    return this.sent.find((message) => message.type === 'join')?.token;
  }
}

/** Enough of RTCPeerConnection for sessions that publish and receive nothing. */
class FakePeerConnection {
  static made: FakePeerConnection[] = [];
  connectionState = 'new';
  private readonly listeners: (() => void)[] = [];
  constructor() {
    FakePeerConnection.made.push(this);
  }
  addEventListener(_event: string, listener: () => void): void {
    this.listeners.push(listener);
  }
  /** As the browser's ICE would: a new connectionState and its event. */
  become(state: string): void {
    this.connectionState = state;
    for (const listener of this.listeners) listener();
  }
  close(): void {
    this.connectionState = 'closed';
  }
  getTransceivers(): RTCRtpTransceiver[] {
    return [];
  }
}

const NOW = Date.parse('2026-05-01T12:00:00Z');

/** An unsigned token in the shape the adapter reads (room and expiry); the SFU verifies it. */
function token(name: string, expiresAtMs: number): string {
  const claims = { sub: name, exp: Math.floor(expiresAtMs / 1000), video: { room: 'r1' } };
  const payload = btoa(JSON.stringify(claims)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `h.${payload}.${name}`;
}

const joined = {
  type: 'joined',
  room: 'r1',
  participant: { id: 'p_a', name: 'Ann', joined_at: '2026-05-01T12:00:00Z', tracks: [] },
  participants: [],
  ice_servers: [],
};

let sockets: FakeSocket[];
let adapter: EmbeddedAdapter;

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(NOW);
  vi.stubGlobal('RTCPeerConnection', FakePeerConnection);
  FakePeerConnection.made = [];
  sockets = [];
  adapter = new EmbeddedAdapter(
    () => undefined,
    () => {
      const socket = new FakeSocket();
      sockets.push(socket);
      return socket;
    },
  );
});

afterEach(async () => {
  await adapter.disconnect();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

/** Lets timers and promise callbacks run until `done` holds (or fails after ~10 s of fake time). */
async function until(done: () => boolean): Promise<void> {
  for (let step = 0; step < 1000 && !done(); step += 1) await vi.advanceTimersByTimeAsync(10);
  expect(done()).toBe(true);
}

/** The newest socket, once the adapter opened socket number `count`. */
async function socketNumber(count: number): Promise<FakeSocket> {
  await until(() => sockets.length >= count);
  const socket = sockets[count - 1];
  if (!socket) throw new Error('no socket');
  return socket;
}

async function connect(options: Partial<ConnectOptions> = {}): Promise<void> {
  const connecting = adapter.connect({
    url: 'ws://sfu/rtc',
    token: token('first', NOW + 60_000),
    media: { microphone: false, camera: false },
    ...options,
  });
  const socket = await socketNumber(1);
  socket.open();
  socket.deliver(joined);
  await connecting;
  expect(adapter.getSnapshot().connectionState).toBe('connected');
}

describe('EmbeddedAdapter rejoin', () => {
  it('rejoins with a new token when the SFU refuses the old one as expired', async () => {
    const refreshToken = vi.fn(() => Promise.resolve(token('renewed', NOW + 600_000)));
    await connect({ refreshToken });

    sockets[0]?.drop(1006);
    expect(adapter.getSnapshot().connectionState).toBe('reconnecting');
    // Our clock still thinks the token is valid; the server's does not.
    const refused = await socketNumber(2);
    refused.open();
    expect(refused.joinToken()).toBe(token('first', NOW + 60_000));
    refused.deliver({ type: 'error', code: 'token_expired', message: 'expired', fatal: true });

    const rejoin = await socketNumber(3);
    expect(refreshToken).toHaveBeenCalledWith(token('first', NOW + 60_000));
    rejoin.open();
    expect(rejoin.joinToken()).toBe(token('renewed', NOW + 600_000));
    expect(adapter.getSnapshot().connectionState).toBe('reconnecting');
    rejoin.deliver(joined);
    await until(() => adapter.getSnapshot().connectionState === 'connected');
    expect(refreshToken).toHaveBeenCalledTimes(1);
  });

  it('asks for a new token before rejoining when the one in hand has expired by our clock', async () => {
    const refreshToken = vi.fn(() => Promise.resolve(token('renewed', NOW + 600_000)));
    await connect({ refreshToken });
    vi.setSystemTime(NOW + 61_000);

    sockets[0]?.drop(1006);
    const rejoin = await socketNumber(2);
    rejoin.open();
    expect(rejoin.joinToken()).toBe(token('renewed', NOW + 600_000));
    rejoin.deliver(joined);
    await until(() => adapter.getSnapshot().connectionState === 'connected');
  });

  it('keeps retrying while no token can be had, and rejoins once one can', async () => {
    const refreshToken = vi
      .fn<(refused: string) => Promise<string>>()
      .mockRejectedValueOnce(new Error('the backend is unreachable'))
      .mockResolvedValue(token('renewed', NOW + 600_000));
    await connect({ refreshToken });
    vi.setSystemTime(NOW + 61_000);

    sockets[0]?.drop(1006);
    const rejoin = await socketNumber(2);
    expect(refreshToken).toHaveBeenCalledTimes(2);
    rejoin.open();
    rejoin.deliver(joined);
    await until(() => adapter.getSnapshot().connectionState === 'connected');
  });

  it('gives up as lost when the token is refused and nothing can renew it', async () => {
    await connect();

    sockets[0]?.drop(1006);
    const gaveUp = () => adapter.getSnapshot().connectionState === 'disconnected';
    let refused = 1;
    while (!gaveUp()) {
      await until(() => gaveUp() || sockets.length > refused);
      const socket = sockets[refused];
      if (!socket) continue;
      refused += 1;
      socket.open();
      socket.deliver({ type: 'error', code: 'token_expired', message: 'expired', fatal: true });
    }
    expect(adapter.getSnapshot().disconnectReason).toBe('lost');
    // As long as LiveKit's client tries: ten attempts over about 45 s.
    expect(refused - 1).toBe(10);
    expect(Date.now() - NOW).toBeGreaterThan(40_000);
  });
});

it('reports the media transport apart from signalling, from the peer connection', async () => {
  await connect();
  expect(adapter.getSnapshot().mediaConnection).toBe('idle');
  const publisher = FakePeerConnection.made[0];
  if (!publisher) throw new Error('no publish connection');
  publisher.become('connecting');
  expect(adapter.getSnapshot()).toMatchObject({ connectionState: 'connected', mediaConnection: 'checking' });
  publisher.become('connected');
  expect(adapter.getSnapshot().mediaConnection).toBe('connected');
});
