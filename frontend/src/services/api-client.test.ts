import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, joinOrKnock, joinRoom, leaveRoom } from './api-client.ts';

function respond(status: number, body: unknown, contentType = 'application/json') {
  const fetchMock = vi.fn(() =>
    Promise.resolve(
      new Response(typeof body === 'string' ? body : JSON.stringify(body), {
        status,
        headers: { 'Content-Type': contentType },
      }),
    ),
  );
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

describe('api client', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('tells a join from a knock (202), and sends the last token it held', async () => {
    const knock = { request_id: 'lr_1', secret: 's', expires_at: 'x' };
    const fetchMock = respond(202, knock);
    expect(await joinOrKnock('r1', 'Ada', 'old-token')).toEqual({ knock });
    const init = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect((init[1].headers as Record<string, string>).Authorization).toBe('Bearer old-token');
    // A join for a fresh token in the call cannot wait in a lobby.
    respond(202, knock);
    await expect(joinRoom('r1', 'Ada')).rejects.toMatchObject({ code: 'lobby_required' });
  });

  it('turns the error body into an ApiError with its code', async () => {
    respond(404, { error: { code: 'room_not_found', message: 'This room does not exist.' } });
    const error = await joinRoom('nope', 'Ada').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 404, code: 'room_not_found' });
  });

  it('gives a proxy error page a code by status', async () => {
    respond(502, '<html>Bad Gateway</html>', 'text/html');
    await expect(joinRoom('r', 'Ada')).rejects.toMatchObject({ code: 'service_unavailable' });
  });

  it('reports a network failure as network_error', async () => {
    vi.stubGlobal('fetch', vi.fn(() => Promise.reject(new TypeError('Failed to fetch'))));
    await expect(joinRoom('r', 'Ada')).rejects.toMatchObject({ code: 'network_error', status: 0 });
  });

  it('leaves with the token as a bearer credential', async () => {
    const fetchMock = respond(204, '');
    await leaveRoom('r/1', 'tok');
    expect(fetchMock).toHaveBeenCalledWith(
      '/api/rooms/r%2F1/leave',
      expect.objectContaining({
        method: 'DELETE',
        headers: expect.objectContaining({ Authorization: 'Bearer tok' }) as unknown,
      }),
    );
  });
});
