// Typed client for the backend REST API (the table in DESIGN.md). Every failure becomes an
// ApiError with the server's error code, so pages can pick the right message by code.

import type { SfuProvider } from '../adapters/load-adapter.ts';
import type {
  ClientConfigPublic,
  ErrorPublic,
  LobbyKnockPublic,
  LobbyStatusPublic,
  ParticipantCreate,
  ParticipantPublic,
  RoomCreatePublic,
  RoomDetailPublic,
  RoomJoinPublic,
  RoomPublic,
  SfuPublic,
} from './generated/api-schemas.ts';

export type { SfuProvider };

// The bodies are the server's schemas (generated); only `sfu.provider` is narrowed to the
// providers this frontend has an adapter for.
export interface SfuInfo extends SfuPublic {
  provider: SfuProvider;
}

export interface JoinResponse extends RoomJoinPublic {
  sfu: SfuInfo;
}

export interface CreateRoomResponse extends RoomCreatePublic {
  sfu: SfuInfo;
}

export type RoomParticipant = ParticipantPublic;
export type RoomDetails = RoomPublic;

/** Codes the UI reacts to; the server may send others, which are shown generically. */
export type KnownErrorCode =
  | 'room_not_found'
  | 'room_full'
  | 'room_locked'
  | 'room_closed'
  | 'sfu_unavailable'
  | 'network_error'
  | 'invalid_response';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: KnownErrorCode | (string & {}),
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

// What an error body should be; read defensively, since a proxy may answer instead.
type ErrorBody = Partial<Record<keyof ErrorPublic, Partial<Record<keyof ErrorPublic['error'], unknown>>>>;

async function request<T>(path: string, init: RequestInit = {}): Promise<T> {
  return (await requestWithStatus(path, init)).body as T;
}

async function requestWithStatus(
  path: string,
  init: RequestInit = {},
): Promise<{ status: number; body: unknown }> {
  let response: Response;
  try {
    response = await fetch(path, {
      ...init,
      headers: { Accept: 'application/json', ...(init.headers as Record<string, string> | undefined) },
    });
  } catch (cause) {
    throw new ApiError(0, 'network_error', `Cannot reach the server (${String(cause)})`);
  }
  if (response.status === 204) return { status: 204, body: undefined };
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // A proxy error page (e.g. nginx 502 when the backend is down) is HTML, not JSON.
  }
  if (!response.ok) {
    const error = (body as ErrorBody | null)?.error;
    const code = typeof error?.code === 'string' ? error.code : fallbackCode(response.status);
    const message =
      typeof error?.message === 'string' ? error.message : `Request failed (${response.status})`;
    throw new ApiError(response.status, code, message);
  }
  if (body === null) throw new ApiError(response.status, 'invalid_response', 'Empty response');
  return { status: response.status, body };
}

function fallbackCode(status: number): string {
  if (status === 404) return 'not_found';
  if (status === 502 || status === 503 || status === 504) return 'service_unavailable';
  return `http_${status}`;
}

function jsonBody(value: ParticipantCreate): RequestInit {
  return {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(value),
  };
}

export function createRoom(participantName: string): Promise<CreateRoomResponse> {
  return request('/api/rooms', jsonBody({ participant_name: participantName }));
}

export type LobbyKnock = LobbyKnockPublic;
export type LobbyStatus = LobbyStatusPublic['status'];

/** A join: straight in, or (the room's lobby is on, or a host removed this browser's last
 * participant, whose token it sends) a request that waits for a host (202). */
export async function joinOrKnock(
  roomId: string,
  participantName: string,
  previousToken: string | null,
): Promise<{ joined: JoinResponse } | { knock: LobbyKnock }> {
  const init: RequestInit = {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      ...(previousToken ? { Authorization: `Bearer ${previousToken}` } : {}),
    },
    body: JSON.stringify({ participant_name: participantName } satisfies ParticipantCreate),
  };
  const { status, body } = await requestWithStatus(
    `/api/rooms/${encodeURIComponent(roomId)}/join`,
    init,
  );
  return status === 202 ? { knock: body as LobbyKnock } : { joined: body as JoinResponse };
}

/** A join for a fresh token in the call; a lobby's answer is an error here (no one waits). */
export async function joinRoom(roomId: string, participantName: string): Promise<JoinResponse> {
  const answer = await joinOrKnock(roomId, participantName, null);
  if ('knock' in answer) throw new ApiError(202, 'lobby_required', 'The room asks to wait in its lobby.');
  return answer.joined;
}

/** How this guest's lobby request stands; admitted, with the credentials of a join. */
export function getLobbyStatus(
  roomId: string,
  knock: LobbyKnock,
): Promise<{ status: LobbyStatus; credentials?: JoinResponse | null }> {
  return request(
    `/api/rooms/${encodeURIComponent(roomId)}/lobby/${encodeURIComponent(knock.request_id)}`,
    { headers: { Authorization: `Bearer ${knock.secret}` } },
  );
}

export async function getRoom(roomId: string): Promise<RoomDetails> {
  const body = await request<RoomDetailPublic>(`/api/rooms/${encodeURIComponent(roomId)}`);
  return body.room;
}

export function leaveRoom(roomId: string, token: string): Promise<void> {
  return request(`/api/rooms/${encodeURIComponent(roomId)}/leave`, {
    method: 'DELETE',
    headers: { Authorization: `Bearer ${token}` },
    // The user may be closing the tab; let the request outlive the page.
    keepalive: true,
  });
}

/** The server's https origin for other machines (PUBLIC_HTTPS_URL), or null. */
export function getClientConfig(): Promise<ClientConfigPublic> {
  return request('/api/config');
}
