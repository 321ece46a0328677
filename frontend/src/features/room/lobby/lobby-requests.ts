// The hosts' view of the lobby, kept from the room channel: whether it is on, and who waits.
// Pure state changes, so they are tested without a channel.
export interface LobbyRequest {
  id: string;
  name: string;
}

export interface LobbyState {
  enabled: boolean;
  requests: readonly LobbyRequest[];
}

export const emptyLobby: LobbyState = { enabled: false, requests: [] };

export function withRequest(state: LobbyState, request: LobbyRequest): LobbyState {
  if (state.requests.some((known) => known.id === request.id)) return state;
  return { ...state, requests: [...state.requests, request] };
}

export function withoutRequests(state: LobbyState, ids: readonly string[]): LobbyState {
  const gone = new Set(ids);
  return { ...state, requests: state.requests.filter((request) => !gone.has(request.id)) };
}

/** The server's whole view (a `lobby_get` or `lobby_set` reply) wins over what was heard. */
export function fromServer(payload: unknown): LobbyState | null {
  const value = payload as { enabled?: unknown; requests?: unknown } | null;
  if (typeof value?.enabled !== 'boolean' || !Array.isArray(value.requests)) return null;
  const requests = (value.requests as { id?: unknown; name?: unknown }[])
    .filter((r) => typeof r.id === 'string' && typeof r.name === 'string')
    .map((r) => ({ id: r.id as string, name: r.name as string }));
  return { enabled: value.enabled, requests };
}
