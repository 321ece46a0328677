// The room visit as a small state machine: check the room exists, pre-join, join (API, then
// SFU), in the call, and every way out. The page renders whichever phase this reports.
import { useCallback, useEffect, useRef, useState } from 'react';
import { UnsupportedProviderError, loadAdapter, preloadAdapters } from '../../adapters/load-adapter.ts';
import type { DisconnectReason, SfuAdapter } from '../../adapters/sfu-adapter.ts';
import { resolveSfuUrl } from '../../adapters/sfu-url.ts';
import {
  ApiError,
  type JoinResponse,
  getRoom,
  joinOrKnock,
  joinRoom,
  leaveRoom,
} from '../../services/api-client.ts';
import { markJoinStarted } from '../../services/join-clock.ts';
import { logger } from '../../services/debug-logger.ts';
import { lastToken, rememberToken } from '../../services/last-token.ts';
import { type StoredCredentials, takeCredentials } from '../../services/session-store.ts';
import { LobbyRefused, waitInLobby } from './lobby/wait-in-lobby.ts';
import type { JoinChoice } from './pre-join.tsx';
import type { RoomMessageKind } from './room-message.tsx';

export type RoomPhase =
  | { kind: 'checking' }
  | { kind: 'prejoin'; people: string[]; joining: boolean }
  | { kind: 'lobby'; name: string }
  | { kind: 'in-call'; adapter: SfuAdapter; credentials: StoredCredentials }
  | { kind: 'message'; message: RoomMessageKind; detail?: string };

interface ActiveCall {
  adapter: SfuAdapter;
  token: string;
}

/** What the page says after the SFU or the channel ended the call for one of these reasons. */
const DISCONNECT_MESSAGES: Partial<Record<DisconnectReason, RoomMessageKind>> = {
  lost: 'lost',
  room_closed: 'host_ended',
  kicked: 'removed',
};

export function messageForError(error: unknown): { message: RoomMessageKind; detail?: string } {
  if (error instanceof LobbyRefused) {
    return { message: error.outcome === 'denied' ? 'lobby_denied' : 'lobby_expired' };
  }
  if (error instanceof UnsupportedProviderError) {
    return { message: 'unsupported_provider', detail: error.message };
  }
  if (!(error instanceof ApiError)) return { message: 'error', detail: String(error) };
  switch (error.code) {
    case 'room_not_found':
    case 'not_found':
      return { message: 'not_found' };
    case 'room_full':
      return { message: 'room_full' };
    case 'room_locked':
      return { message: 'room_locked' };
    case 'room_closed':
      // A link to a room its host ended: the same page the people in it saw.
      return { message: 'host_ended' };
    case 'sfu_unavailable':
      return { message: 'sfu_unavailable', detail: error.message };
    case 'network_error':
    case 'service_unavailable':
      return { message: 'unreachable', detail: error.message };
    default:
      return { message: 'error', detail: error.message };
  }
}

export function useRoomSession(roomId: string) {
  const [phase, setPhase] = useState<RoomPhase>({ kind: 'checking' });
  const [attempt, setAttempt] = useState(0);
  const active = useRef<ActiveCall | null>(null);
  /** One API join at a time for a fresh token: the channel and the SFU may both ask for one. */
  const freshToken = useRef<Promise<string> | null>(null);
  /** A fresh token the SFU adapter got that the channel has not used: the channel, refused
   * too, takes it rather than joining as yet another participant. */
  const tokenForChannel = useRef<string | null>(null);
  /** Ends a wait in the lobby when the page goes. */
  const lobbyWait = useRef(new AbortController());

  useEffect(() => {
    let cancelled = false;
    logger.setContext({ room_id: roomId });
    void preloadAdapters();
    getRoom(roomId)
      .then((room) => {
        if (!cancelled) {
          setPhase({ kind: 'prejoin', people: room.participants.map((p) => p.name), joining: false });
        }
      })
      .catch((error: unknown) => {
        if (!cancelled) setPhase({ kind: 'message', ...messageForError(error) });
      });
    return () => {
      cancelled = true;
    };
  }, [roomId, attempt]);

  // Leaving the page (route change or closing the tab) while in a call still leaves the room.
  useEffect(() => {
    const hangUp = () => {
      const call = active.current;
      if (!call) return;
      active.current = null;
      void call.adapter.disconnect();
      leaveRoom(roomId, call.token).catch(() => undefined);
    };
    window.addEventListener('pagehide', hangUp);
    // Made here, not once per hook, so that React's development double effect gets a live one.
    const waiting = new AbortController();
    lobbyWait.current = waiting;
    return () => {
      window.removeEventListener('pagehide', hangUp);
      waiting.abort();
      hangUp();
      logger.clearContext('room_id', 'participant_id');
      logger.setRoomToken(null);
    };
  }, [roomId]);

  /** The tab was away past its token's expiry: join again through the API for a fresh one. */
  const joinForToken = useCallback(
    (name: string) => {
      freshToken.current ??= joinRoom(roomId, name)
        .then((fresh) => {
          if (active.current) active.current.token = fresh.token;
          return fresh.token;
        })
        .finally(() => {
          freshToken.current = null;
        });
      return freshToken.current;
    },
    [roomId],
  );
  const rejoinForToken = useCallback(
    (name: string) => {
      const unused = tokenForChannel.current;
      tokenForChannel.current = null;
      return unused ? Promise.resolve(unused) : joinForToken(name);
    },
    [joinForToken],
  );

  /** A join through the API: at once, or after a host admitted this guest from the lobby. */
  const admission = useCallback(
    async (name: string): Promise<JoinResponse> => {
      const answer = await joinOrKnock(roomId, name, lastToken(roomId));
      if ('joined' in answer) return answer.joined;
      logger.info('waiting in the lobby', { request_id: answer.knock.request_id });
      setPhase({ kind: 'lobby', name });
      const admitted = await waitInLobby(roomId, answer.knock, lobbyWait.current.signal);
      logger.info('admitted from the lobby', { request_id: answer.knock.request_id });
      return admitted;
    },
    [roomId],
  );

  const join = useCallback(
    async (choice: JoinChoice) => {
      setPhase((current) => (current.kind === 'prejoin' ? { ...current, joining: true } : current));
      const started = performance.now();
      markJoinStarted(started);
      let credentials = takeCredentials(roomId);
      if (credentials && credentials.participant_name !== choice.name) {
        // The creator renamed themselves before joining: give back the unused seat.
        leaveRoom(roomId, credentials.token).catch(() => undefined);
        credentials = null;
      }
      let adapter: SfuAdapter | null = null;
      try {
        credentials ??= { ...(await admission(choice.name)), participant_name: choice.name };
        rememberToken(roomId, credentials.token);
        logger.setContext({ participant_id: credentials.participant_id });
        logger.setRoomToken(credentials.token);
        adapter = await loadAdapter(credentials.sfu.provider);
        await adapter.connect({
          url: resolveSfuUrl(credentials.sfu.url, window.location),
          token: credentials.token,
          media: {
            camera: choice.camera,
            microphone: choice.microphone,
            videoDeviceId: choice.videoDeviceId,
            audioDeviceId: choice.audioDeviceId,
          },
          // The channel's renewed token keeps this participant; once that one is refused too,
          // the API makes a new one.
          refreshToken: async (refused) => {
            const held = active.current?.token;
            if (held && held !== refused) return held;
            const fresh = await joinForToken(choice.name);
            tokenForChannel.current = fresh;
            return fresh;
          },
        });
      } catch (error) {
        if (lobbyWait.current.signal.aborted) return; // the page went while waiting
        logger.warn('could not join the room', { error: String(error) });
        if (credentials) leaveRoom(roomId, credentials.token).catch(() => undefined);
        void adapter?.disconnect();
        const connectFailed = adapter !== null && !(error instanceof ApiError);
        setPhase({
          kind: 'message',
          ...(connectFailed ? { message: 'connect_failed', detail: String(error) } : messageForError(error)),
        });
        return;
      }
      if (choice.audioOutputId) {
        adapter.switchDevice('audiooutput', choice.audioOutputId).catch(() => undefined);
      }
      active.current = { adapter, token: credentials.token };
      logger.info('joined the room', {
        participant_name: choice.name,
        provider: credentials.sfu.provider,
        join_ms: Math.round(performance.now() - started),
      });
      setPhase({ kind: 'in-call', adapter, credentials });
    },
    [roomId, joinForToken, admission],
  );

  const end = useCallback(
    async (message: RoomMessageKind) => {
      const call = active.current;
      active.current = null;
      if (call) {
        await call.adapter.disconnect();
        await leaveRoom(roomId, call.token).catch((error: unknown) => {
          logger.warn('leave request failed', { error: String(error) });
        });
      }
      logger.info('left the room', { reason: message });
      logger.clearContext('participant_id');
      setPhase({ kind: 'message', message });
    },
    [roomId],
  );

  const leave = useCallback(() => void end('left'), [end]);
  // The SFU room is deleted only when the host ends the room (an empty room has nobody to tell).
  const disconnected = useCallback(
    (reason: DisconnectReason) =>
      void end(DISCONNECT_MESSAGES[reason] ?? 'ended'),
    [end],
  );
  const hostEnded = useCallback(
    (byMe: boolean) => void end(byMe ? 'you_ended' : 'host_ended'),
    [end],
  );
  /** A renewed room token (from the realtime channel) is the one to leave with. */
  const tokenRenewed = useCallback(
    (token: string) => {
      if (active.current) active.current.token = token;
      rememberToken(roomId, token);
      logger.setRoomToken(token);
    },
    [roomId],
  );
  const retry = useCallback(() => {
    setPhase({ kind: 'checking' });
    setAttempt((n) => n + 1);
  }, []);

  return { phase, join, leave, disconnected, hostEnded, tokenRenewed, rejoinForToken, retry };
}
