import { describe, expect, it } from 'vitest';
import {
  applyRosterMessage,
  bumpVideoRevisions,
  isTokenRefusal,
  removeParticipant,
  roomFromToken,
  rosterFromJoined,
  shouldRejoin,
  toDisconnectReason,
  toParticipantViews,
  tokenExpired,
  upsertParticipant,
} from './embedded-mapping.ts';
import type { WireParticipant, WireTrack } from './embedded-signalling.ts';

function person(id: string, joinedAt: string, tracks: WireTrack[] = []): WireParticipant {
  return { id, name: id.toUpperCase(), joined_at: joinedAt, tracks };
}

const camera: WireTrack = { id: 't1', source: 'camera', kind: 'video', muted: false };
const mic: WireTrack = { id: 't2', source: 'microphone', kind: 'audio', muted: false };

describe('embedded mapping', () => {
  it('applies the roster messages of the SFU and keeps the roster for the others', () => {
    const start = rosterFromJoined(person('me', 'a'), [person('b', 'b')]);
    let roster = applyRosterMessage(start, { type: 'participant_joined', participant: person('c', 'c') });
    roster = applyRosterMessage(roster, { type: 'participant_left', participant: 'b' });
    roster = applyRosterMessage(roster, {
      type: 'speakers',
      speakers: [{ participant: 'c', level: 0.5 }],
    });
    const views = toParticipantViews(roster);
    expect(views.map((view) => [view.id, view.isSpeaking])).toEqual([
      ['me', false],
      ['c', true],
    ]);
    expect(applyRosterMessage(roster, { type: 'pong' })).toBe(roster);
  });

  it('lists the local participant first, then the others in join order', () => {
    const roster = rosterFromJoined(person('me', '2026-01-01T00:00:03Z'), [
      person('late', '2026-01-01T00:00:02Z'),
      person('early', '2026-01-01T00:00:01Z'),
    ]);
    const views = toParticipantViews(roster);
    expect(views.map((view) => [view.id, view.isLocal])).toEqual([
      ['me', true],
      ['early', false],
      ['late', false],
    ]);
  });

  it('derives mic, camera and screen from the published, unmuted tracks', () => {
    let roster = rosterFromJoined(person('me', 'a'), [person('b', 'b', [camera, mic])]);
    let [, bob] = toParticipantViews(roster);
    expect(bob).toMatchObject({ micEnabled: true, cameraEnabled: true, screenSharing: false });

    roster = upsertParticipant(roster, person('b', 'b', [camera, { ...mic, muted: true }]));
    [, bob] = toParticipantViews(roster);
    expect(bob).toMatchObject({ micEnabled: false, cameraEnabled: true, name: 'B' });
  });

  it('moves the video revision only when video tracks change', () => {
    let roster = rosterFromJoined(person('me', 'a'), [person('b', 'b', [mic])]);
    roster = upsertParticipant(roster, person('b', 'b', [{ ...mic, muted: true }]));
    expect(toParticipantViews(roster)[1]?.videoRevision).toBe(0);
    roster = upsertParticipant(roster, person('b', 'b', [mic, camera]));
    expect(toParticipantViews(roster)[1]?.videoRevision).toBe(1);
    roster = bumpVideoRevisions(roster, ['b', 'nobody']);
    expect(toParticipantViews(roster)[1]?.videoRevision).toBe(2);
  });

  it('keeps revisions rising across a rejoin', () => {
    const before = rosterFromJoined(person('me', 'a'), [person('b', 'b', [camera])]);
    const after = rosterFromJoined(person('me', 'a'), [person('b', 'b', [camera])], before);
    expect(toParticipantViews(after).map((view) => view.videoRevision)).toEqual([1, 1]);
  });

  it('drops a participant who left, from the speakers too', () => {
    let roster = rosterFromJoined(person('me', 'a'), [person('b', 'b')]);
    roster = { ...roster, speakers: new Set(['b']) };
    expect(toParticipantViews(roster)[1]?.isSpeaking).toBe(true);
    roster = removeParticipant(roster, 'b');
    expect(toParticipantViews(roster)).toHaveLength(1);
    expect(roster.speakers.size).toBe(0);
  });

  it('maps closed reasons and rejoins only when the loss was not deliberate', () => {
    expect(toDisconnectReason('removed')).toBe('kicked');
    expect(toDisconnectReason('room_deleted')).toBe('room_closed');
    expect(toDisconnectReason('replaced')).toBe('duplicate_identity');
    expect(toDisconnectReason(null)).toBe('lost');
    expect(shouldRejoin(null)).toBe(true);
    expect(shouldRejoin('server_shutdown')).toBe(true);
    expect(shouldRejoin('removed')).toBe(false);
    expect(shouldRejoin('replaced')).toBe(false);
  });

  it('reads the room from a join token', () => {
    const claims = btoa(JSON.stringify({ sub: 'p', video: { room: 'k3x9', roomJoin: true } }));
    const token = `h.${claims.replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.s`;
    expect(roomFromToken(token)).toBe('k3x9');
    expect(roomFromToken('garbage')).toBe('');
  });

  it('tells an expired token from its exp claim, and leaves tokens without one to the server', () => {
    const token = (claims: object) =>
      `h.${btoa(JSON.stringify(claims)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_')}.s`;
    const exp = 1_800_000_000;
    expect(tokenExpired(token({ exp }), exp * 1000 - 1)).toBe(false);
    expect(tokenExpired(token({ exp }), exp * 1000)).toBe(true);
    expect(tokenExpired(token({ sub: 'p' }), Date.now())).toBe(false);
    expect(tokenExpired('garbage', Date.now())).toBe(false);
  });

  it('knows which refusals another token can fix', () => {
    expect(isTokenRefusal('token_expired')).toBe(true);
    expect(isTokenRefusal('invalid_token')).toBe(true);
    expect(isTokenRefusal('room_full')).toBe(false);
    expect(isTokenRefusal('wrong_room')).toBe(false);
  });
});
