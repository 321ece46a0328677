import { useState, useSyncExternalStore } from 'react';
import {
  type RoomChannel,
  type RoomChannelState,
  initialRoomChannelState,
  openRoomChannel,
} from '../services/room-channel.ts';

const idle = initialRoomChannelState;

interface Options {
  roomId: string;
  token: string;
  onToken?: (token: string) => void;
  refreshToken?: () => Promise<string>;
}

/** Opens the channel when React subscribes (mount) and leaves it when React unsubscribes. */
class ChannelConnection {
  room: RoomChannel | null = null;
  constructor(private readonly options: Options) {}

  subscribe = (listener: () => void): (() => void) => {
    const { roomId, token, onToken, refreshToken } = this.options;
    const opened = openRoomChannel(roomId, token, {
      ...(onToken ? { onToken } : {}),
      ...(refreshToken ? { refreshToken } : {}),
    });
    this.room = opened.room;
    const unsubscribe = opened.room.subscribe(listener);
    listener();
    return () => {
      unsubscribe();
      opened.close();
      this.room = null;
    };
  };

  getSnapshot = (): RoomChannelState => this.room?.getSnapshot() ?? idle;
}

/**
 * The room's realtime channel while the component is mounted. The options of the first render
 * open it (the caller keys the component by room); a renewed token is kept by the channel.
 */
export function useRoomChannel(options: Options): { channel: RoomChannel | null; state: RoomChannelState } {
  const [connection] = useState(() => new ChannelConnection(options));
  const state = useSyncExternalStore(connection.subscribe, connection.getSnapshot);
  return { channel: connection.room, state };
}
