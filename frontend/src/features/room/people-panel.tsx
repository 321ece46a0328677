import type { ReactNode } from 'react';
import { HandIcon } from '../../components/icons.tsx';
import type { PresentPerson } from '../../services/room-channel.ts';

interface Props {
  people: readonly PresentPerson[];
  ownId: string | null;
  onClose: () => void;
  /** Host-only controls above the list (the lobby's switch). */
  hostControls?: ReactNode;
}

/** Who is in the room, from the channel's presence, raised hands first. */
export function PeoplePanel({ people, ownId, onClose, hostControls }: Props) {
  const ordered = [...people].sort((a, b) => Number(b.handRaised) - Number(a.handRaised));
  return (
    <aside className="side-panel people-panel" aria-label="Participants">
      <header className="side-panel-header">
        <h2>Participants ({people.length})</h2>
        <button type="button" className="icon-button" aria-label="Close participants" onClick={onClose}>
          ×
        </button>
      </header>
      {hostControls}
      <ul className="people-list">
        {ordered.map((person) => (
          <li key={person.id} data-participant-id={person.id} data-hand={person.handRaised}>
            <span className="person-name">
              {person.name}
              {person.id === ownId && ' (you)'}
            </span>
            {person.handRaised && (
              <span className="hand-badge" role="img" aria-label={`${person.name} raised a hand`}>
                <HandIcon />
              </span>
            )}
          </li>
        ))}
      </ul>
    </aside>
  );
}
