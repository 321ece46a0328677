import { afterEach, describe, expect, it, vi } from 'vitest';
import { LobbyRefused, waitInLobby } from './wait-in-lobby.ts';

const knock = { request_id: 'lr_1', secret: 's3cret', expires_at: '2026-12-03T12:00:00Z' };
const credentials = {
  participant_id: 'p_1',
  token: 't',
  livekit_url: 'ws://x',
  sfu: { provider: 'livekit', url: '/' },
};

function answers(...bodies: unknown[]) {
  const fetchMock = vi.fn<(url: string, init?: RequestInit) => Promise<Response>>(() => {
    const body = bodies.shift();
    return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

const noSleep = () => Promise.resolve();

describe('waiting in the lobby', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('asks with its secret until admitted, then hands over the credentials', async () => {
    const fetchMock = answers({ status: 'pending' }, { status: 'pending' }, { status: 'admitted', credentials });
    const admitted = await waitInLobby('r1', knock, new AbortController().signal, noSleep);
    expect(admitted).toEqual(credentials);
    expect(fetchMock).toHaveBeenCalledTimes(3);
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe('/api/rooms/r1/lobby/lr_1');
    expect((init?.headers as Record<string, string>).Authorization).toBe('Bearer s3cret');
  });

  it.each(['denied', 'expired'] as const)('ends with the outcome when %s', async (outcome) => {
    answers({ status: 'pending' }, { status: outcome });
    const error = await waitInLobby('r1', knock, new AbortController().signal, noSleep).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(LobbyRefused);
    expect(error).toMatchObject({ outcome });
  });

  it('stops asking once the page went', async () => {
    const fetchMock = answers({ status: 'pending' }, { status: 'pending' });
    const page = new AbortController();
    const sleep = () => {
      page.abort();
      return Promise.resolve();
    };
    await expect(waitInLobby('r1', knock, page.signal, sleep)).rejects.toThrow();
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });
});
