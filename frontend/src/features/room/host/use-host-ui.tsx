import { type ReactNode, useMemo } from 'react';
import type { ParticipantView } from '../../../adapters/sfu-adapter.ts';
import type { RoomChannel, RoomChannelState } from '../../../services/room-channel.ts';
import { HostMenu } from './host-menu.tsx';
import { RoomHostControls } from './room-host-controls.tsx';
import { type HostActions, useHostActions } from './use-host-actions.ts';
import { type HostEvents, useHostEvents } from './use-host-events.ts';
import './host.css';

interface Options {
  channel: RoomChannel | null;
  live: RoomChannelState;
  ownId: string;
  participants: readonly ParticipantView[];
  onError: (message: string) => void;
}

export interface HostUi extends HostEvents {
  actions: HostActions;
  /** The host menu for participant `id`, or null (not a host, or it is this participant). */
  menuFor: (id: string, name: string) => ReactNode;
  /** The room-wide controls for the people panel (null for a non-host). */
  roomControls: (lobbySwitch: ReactNode) => ReactNode;
}

/** The call's host controls and what everyone hears of them, in one place for the call view. */
export function useHostUi({ channel, live, ownId, participants, onError }: Options): HostUi {
  const names = useMemo(() => new Map(live.people.map((person) => [person.id, person.name])), [live.people]);
  const events = useHostEvents(channel, { ownId, nameOf: (id) => names.get(id) });
  const actions = useHostActions(channel, onError);
  const menuFor = (id: string, name: string): ReactNode => {
    if (!live.isHost || id === ownId) return null;
    const media = participants.find((participant) => participant.id === id);
    const target = {
      id,
      name,
      role: live.roles[id],
      micEnabled: media?.micEnabled,
      cameraEnabled: media?.cameraEnabled,
    };
    return <HostMenu target={target} actions={actions} />;
  };
  const roomControls = (lobbySwitch: ReactNode): ReactNode =>
    live.isHost ? (
      <RoomHostControls actions={actions} locked={live.locked} othersPresent={live.people.length > 1}>
        {lobbySwitch}
      </RoomHostControls>
    ) : null;
  return { ...events, actions, menuFor, roomControls };
}
