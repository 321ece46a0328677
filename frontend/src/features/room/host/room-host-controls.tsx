import type { ReactNode } from 'react';
import type { HostActions } from './use-host-actions.ts';

interface Props {
  actions: HostActions;
  locked: boolean;
  /** Others to mute: without them the button has nothing to do. */
  othersPresent: boolean;
  /** The lobby's switch (features/room/lobby). */
  children?: ReactNode;
}

/** The room-wide controls a host has at the top of the people panel. */
export function RoomHostControls({ actions, locked, othersPresent, children }: Props) {
  return (
    <section className="room-host-controls" aria-label="Room controls">
      <button type="button" onClick={actions.muteAll} disabled={!othersPresent}>
        Mute everyone
      </button>
      <label className="lobby-switch">
        <input
          type="checkbox"
          checked={locked}
          onChange={(event) => {
            actions.setLocked(event.target.checked);
          }}
        />{' '}
        Lock the room: let nobody new in
      </label>
      {children}
    </section>
  );
}
