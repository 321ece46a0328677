import { useCallback, useEffect, useState } from 'react';
import { logger } from '../../../services/debug-logger.ts';
import type { RoomChannel } from '../../../services/room-channel.ts';
import {
  type LobbyState,
  emptyLobby,
  fromServer,
  withRequest,
  withoutRequests,
} from './lobby-requests.ts';

export interface Lobby extends LobbyState {
  setEnabled: (enabled: boolean) => void;
  admit: (requestId: string) => void;
  deny: (requestId: string) => void;
  admitAll: () => void;
  error: string | null;
}

/** The lobby as a host sees and runs it, over the room channel (nothing for a non-host). */
export function useLobby(channel: RoomChannel | null, isHost: boolean): Lobby {
  const [state, setState] = useState<LobbyState>(emptyLobby);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!channel || !isHost) return;
    let live = true;
    // Listen first, then read the whole lobby, so no request falls between the two.
    channel.on('lobby:request', (payload) => {
      const request = payload as { id: string; name: string };
      if (live) setState((current) => withRequest(current, { id: request.id, name: request.name }));
    });
    channel.on('lobby:resolved', (payload) => {
      const ids = (payload as { request_ids: string[] }).request_ids;
      if (live) setState((current) => withoutRequests(current, ids));
    });
    channel.on('lobby:changed', (payload) => {
      const enabled = (payload as { enabled: boolean }).enabled;
      if (live) setState((current) => ({ ...current, enabled }));
    });
    channel.send('lobby_get', {}).then(
      (reply) => {
        const lobby = fromServer(reply);
        if (live && lobby) setState((current) => ({ ...lobby, requests: mergeById(lobby, current) }));
      },
      (failure: unknown) => {
        logger.warn('could not read the lobby', { error: String(failure) });
      },
    );
    return () => {
      live = false;
    };
  }, [channel, isHost]);

  const act = useCallback(
    (event: string, payload: object, done?: (reply: unknown) => void) => {
      if (!channel) return;
      channel.send(event, payload).then(
        (reply) => {
          setError(null);
          done?.(reply);
        },
        (failure: unknown) => {
          setError(failure instanceof Error ? failure.message : String(failure));
        },
      );
    },
    [channel],
  );

  return {
    ...state,
    error,
    setEnabled: (enabled) => {
      act('lobby_set', { enabled }, (reply) => {
        const lobby = fromServer(reply);
        if (lobby) setState(lobby);
      });
    },
    admit: (requestId) => {
      act('lobby_admit', { request_id: requestId });
    },
    deny: (requestId) => {
      act('lobby_deny', { request_id: requestId }, () => {
        setState((current) => withoutRequests(current, [requestId]));
      });
    },
    admitAll: () => {
      act('lobby_admit_all', {});
    },
  };
}

function mergeById(server: LobbyState, heard: LobbyState): LobbyState['requests'] {
  let merged: LobbyState = server;
  for (const request of heard.requests) merged = withRequest(merged, request);
  return merged.requests;
}
