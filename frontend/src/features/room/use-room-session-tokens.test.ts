import { act, renderHook, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConnectOptions, SfuAdapter } from '../../adapters/sfu-adapter.ts';
import { useRoomSession } from './use-room-session.ts';

// The adapter is the SFU's side of the story (tested in adapters/): here it only records how
// it was connected, so the test can ask for tokens as a reconnecting adapter would.
const connected: ConnectOptions[] = [];
vi.mock('../../adapters/load-adapter.ts', () => ({
  UnsupportedProviderError: class extends Error {},
  preloadAdapters: () => Promise.resolve(),
  loadAdapter: () =>
    Promise.resolve({
      connect: (options: ConnectOptions) => {
        connected.push(options);
        return Promise.resolve();
      },
      disconnect: () => Promise.resolve(),
      switchDevice: () => Promise.resolve(),
    } as unknown as SfuAdapter),
}));

/** The backend: each join a new participant with a new token. */
let joins = 0;

beforeEach(() => {
  joins = 0;
  connected.length = 0;
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string) => {
      let body: unknown = {};
      if (url.endsWith('/join')) {
        joins += 1;
        body = {
          participant_id: `p${joins}`,
          token: `token-${joins}`,
          livekit_url: '/rtc',
          sfu: { provider: 'embedded', url: '/rtc' },
        };
      } else if (url.startsWith('/api/rooms/')) {
        body = { room: { id: 'r1', created_at: '', participant_count: 0, participants: [] } };
      }
      return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
    }),
  );
});

afterEach(() => {
  vi.unstubAllGlobals();
});

async function inCall() {
  const session = renderHook(() => useRoomSession('r1'));
  await waitFor(() => {
    expect(session.result.current.phase.kind).toBe('prejoin');
  });
  await act(() => session.result.current.join({ name: 'Ann', camera: false, microphone: false }));
  expect(session.result.current.phase.kind).toBe('in-call');
  const options = connected[0];
  if (!options?.refreshToken) throw new Error('connected without refreshToken');
  return { session, refreshToken: options.refreshToken };
}

describe('useRoomSession tokens for reconnecting', () => {
  it('gives the SFU adapter the token the channel renewed, without joining again', async () => {
    const { session, refreshToken } = await inCall();
    act(() => {
      session.result.current.tokenRenewed('renewed');
    });
    await expect(refreshToken('token-1')).resolves.toBe('renewed');
    expect(joins).toBe(1);
  });

  it('keeps the SFU and the channel on one new participant when both tokens were refused', async () => {
    const { session, refreshToken } = await inCall();
    // Back from a long sleep: the adapter is refused first and gets a fresh token...
    await expect(refreshToken('token-1')).resolves.toBe('token-2');
    // ...then the channel, refused too, gets the same one instead of a third participant.
    await expect(session.result.current.rejoinForToken('Ann')).resolves.toBe('token-2');
    expect(joins).toBe(2);
  });

  it('joins once when the channel and the adapter ask at the same time', async () => {
    const { session, refreshToken } = await inCall();
    const tokens = await Promise.all([
      session.result.current.rejoinForToken('Ann'),
      refreshToken('token-1'),
    ]);
    expect(tokens).toEqual(['token-2', 'token-2']);
    expect(joins).toBe(2);
  });
});
