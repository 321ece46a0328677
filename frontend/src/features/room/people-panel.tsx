import type { ReactNode } from 'react';
import { HandIcon } from '../../components/icons.tsx';
import type { PresentPerson } from '../../services/room-channel.ts';
import type { Role, Roles } from '../../services/room-roles.ts';

interface Props {
  people: readonly PresentPerson[];
  ownId: string | null;
  roles: Roles;
  onClose: () => void;
  /** Host-only controls above the list (the lobby's switch). */
  hostControls?: ReactNode;
  /** A host's menu for another participant (nothing for a non-host). */
  menuFor?: (person: PresentPerson) => ReactNode;
}

const roleNames: Record<Role, string> = { host: 'Host', cohost: 'Co-host' };

function RoleBadge({ role }: { role: Role | undefined }) {
  return role ? <span className="role-badge">{roleNames[role]}</span> : null;
}

/** Who is in the room, from the channel's presence, raised hands first. */
export function PeoplePanel({ people, ownId, roles, onClose, hostControls, menuFor }: Props) {
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
          <li
            key={person.id}
            data-participant-id={person.id}
            data-hand={person.handRaised}
            data-role={roles[person.id] ?? 'participant'}
          >
            <span className="person-name">
              {person.name}
              {person.id === ownId && ' (you)'}
            </span>
            <RoleBadge role={roles[person.id]} />
            {person.handRaised && (
              <span className="hand-badge" role="img" aria-label={`${person.name} raised a hand`}>
                <HandIcon />
              </span>
            )}
            {person.id !== ownId && menuFor?.(person)}
          </li>
        ))}
      </ul>
    </aside>
  );
}
