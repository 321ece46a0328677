// Pure translations from the embedded SFU's messages to the adapter's neutral views, kept
// apart from the adapter so they can be tested with plain objects, without a connection.
import type { ServerMessage, Source, WireParticipant } from './embedded-signalling.ts';
import type { ConnectionQuality, DisconnectReason, ParticipantView } from '../sfu-adapter.ts';

export interface RosterEntry {
  participant: WireParticipant;
  videoRevision: number;
}

/** Everyone in the room as the server last described them, local participant first. */
export interface Roster {
  localId: string | null;
  entries: ReadonlyMap<string, RosterEntry>;
  speakers: ReadonlySet<string>;
  quality: ReadonlyMap<string, ConnectionQuality>;
}

export const emptyRoster: Roster = {
  localId: null,
  entries: new Map(),
  speakers: new Set(),
  quality: new Map(),
};

function videoKey(participant: WireParticipant): string {
  return participant.tracks
    .filter((track) => track.kind === 'video')
    .map((track) => track.id)
    .sort()
    .join(',');
}

/** A new session's roster; after a rejoin, revisions keep rising (tiles must re-attach). */
export function rosterFromJoined(
  local: WireParticipant,
  others: WireParticipant[],
  previous: Roster = emptyRoster,
): Roster {
  const entries = new Map<string, RosterEntry>();
  for (const participant of [local, ...others]) {
    const before = previous.entries.get(participant.id);
    entries.set(participant.id, {
      participant,
      videoRevision: before ? before.videoRevision + 1 : 0,
    });
  }
  return { ...emptyRoster, localId: local.id, entries };
}

/** A participant joined or changed; its video revision moves when its video tracks change. */
export function upsertParticipant(roster: Roster, participant: WireParticipant): Roster {
  const entries = new Map(roster.entries);
  const previous = entries.get(participant.id);
  const changed = !previous || videoKey(previous.participant) !== videoKey(participant);
  const revision = (previous?.videoRevision ?? 0) + (previous && changed ? 1 : 0);
  entries.set(participant.id, { participant, videoRevision: revision });
  return { ...roster, entries };
}

export function removeParticipant(roster: Roster, id: string): Roster {
  const entries = new Map(roster.entries);
  entries.delete(id);
  const speakers = new Set(roster.speakers);
  speakers.delete(id);
  return { ...roster, entries, speakers };
}

/** Bumps the revisions of participants whose received media changed, so tiles re-attach. */
/** The roster after a message from the SFU: the same roster for messages that are not about it. */
export function applyRosterMessage(roster: Roster, message: ServerMessage): Roster {
  switch (message.type) {
    case 'participant_joined':
    case 'participant_updated':
      return upsertParticipant(roster, message.participant);
    case 'participant_left':
      return removeParticipant(roster, message.participant);
    case 'speakers':
      return { ...roster, speakers: new Set(message.speakers.map((speaker) => speaker.participant)) };
    default:
      return roster;
  }
}

export function bumpVideoRevisions(roster: Roster, ids: Iterable<string>): Roster {
  const entries = new Map(roster.entries);
  for (const id of ids) {
    const entry = entries.get(id);
    if (entry) entries.set(id, { ...entry, videoRevision: entry.videoRevision + 1 });
  }
  return { ...roster, entries };
}

function isOn(participant: WireParticipant, source: Source): boolean {
  return participant.tracks.some((track) => track.source === source && !track.muted);
}

export function toParticipantViews(roster: Roster): ParticipantView[] {
  const ordered = [...roster.entries.values()].sort((a, b) => {
    if (a.participant.id === roster.localId) return -1;
    if (b.participant.id === roster.localId) return 1;
    return a.participant.joined_at.localeCompare(b.participant.joined_at);
  });
  return ordered.map(({ participant, videoRevision }) => ({
    id: participant.id,
    name: participant.name || participant.id,
    isLocal: participant.id === roster.localId,
    isSpeaking: roster.speakers.has(participant.id),
    micEnabled: isOn(participant, 'microphone'),
    cameraEnabled: isOn(participant, 'camera'),
    screenSharing: isOn(participant, 'screen'),
    connectionQuality: roster.quality.get(participant.id) ?? 'unknown',
    videoRevision,
  }));
}

/** The server's `closed` reasons, and whether rejoining makes sense after them. */
export function toDisconnectReason(reason: string | null): DisconnectReason {
  switch (reason) {
    case 'left':
      return 'left';
    case 'removed':
      return 'kicked';
    case 'room_deleted':
      return 'room_closed';
    case 'replaced':
      return 'duplicate_identity';
    default:
      return 'lost';
  }
}

export function shouldRejoin(reason: string | null): boolean {
  return reason === null || reason === 'server_shutdown';
}

interface TokenClaims {
  exp?: unknown;
  video?: { room?: unknown };
}

/** A join token's claims, unverified (the server verifies them); empty if unreadable. */
function tokenClaims(token: string): TokenClaims {
  const payload = token.split('.')[1] ?? '';
  try {
    const parsed: unknown = JSON.parse(atob(payload.replace(/-/g, '+').replace(/_/g, '/')));
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}

/** The room a join token grants (its `video.room` claim); the server checks it anyway. */
export function roomFromToken(token: string): string {
  const room = tokenClaims(token).video?.room;
  return typeof room === 'string' ? room : '';
}

/** Whether a token's `exp` has passed at `nowMs`; a token without one is left to the server. */
export function tokenExpired(token: string, nowMs: number): boolean {
  const exp = tokenClaims(token).exp;
  return typeof exp === 'number' && exp * 1000 <= nowMs;
}

/** The SFU's refusals that another token can fix. */
export function isTokenRefusal(code: string): boolean {
  return code === 'token_expired' || code === 'invalid_token';
}
