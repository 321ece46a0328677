import { useMemo } from 'react';
import { logger } from '../../../services/debug-logger.ts';
import type { RoomChannel } from '../../../services/room-channel.ts';
import type { MutedSource } from './announcements.ts';

/** A host's controls, each a channel event the server checks and announces (docs/realtime.md). */
export interface HostActions {
  mute: (participantId: string, source: MutedSource) => void;
  muteAll: () => void;
  remove: (participantId: string) => void;
  setCohost: (participantId: string, cohost: boolean) => void;
  setLocked: (locked: boolean) => void;
}

/** `onError` gets the server's refusal in words ("Only a host can do that", ...). */
export function useHostActions(channel: RoomChannel | null, onError: (message: string) => void): HostActions {
  return useMemo(() => {
    const send = (event: string, payload: Record<string, unknown>) => {
      if (!channel) return;
      channel.send(event, payload).catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        logger.warn('host action refused', { event, error: message, target: payload.participant_id });
        onError(message);
      });
    };
    return {
      mute: (participantId, source) => {
        send('mute_participant', { participant_id: participantId, source });
      },
      muteAll: () => {
        send('mute_all', { source: 'microphone' });
      },
      remove: (participantId) => {
        send('remove_participant', { participant_id: participantId });
      },
      setCohost: (participantId, cohost) => {
        send('set_role', { participant_id: participantId, role: cohost ? 'cohost' : 'participant' });
      },
      setLocked: (locked) => {
        send('lock_room', { locked });
      },
    };
  }, [channel, onError]);
}
