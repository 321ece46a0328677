import { useParams } from 'react-router';
import { useStoredName } from '../../hooks/use-stored-name.ts';
import { peekCredentials } from '../../services/session-store.ts';
import { CallView } from './call-view.tsx';
import { LobbyWait } from './lobby/lobby-wait.tsx';
import { PreJoin } from './pre-join.tsx';
import { RoomMessage } from './room-message.tsx';
import { useRoomSession } from './use-room-session.ts';

export function RoomPage() {
  const { roomId = '' } = useParams();
  // Keyed by room so that following a link to another room starts from a clean state.
  return <RoomVisit key={roomId} roomId={roomId} />;
}

function RoomVisit({ roomId }: { roomId: string }) {
  const session = useRoomSession(roomId);
  const { phase, join, retry } = session;
  const [storedName, setStoredName] = useStoredName();

  switch (phase.kind) {
    case 'checking':
      return (
        <main className="page message" aria-busy="true">
          <p className="muted">Looking for the room…</p>
        </main>
      );
    case 'prejoin':
      return (
        <PreJoin
          initialName={peekCredentials(roomId)?.participant_name ?? storedName}
          peopleInRoom={phase.people}
          joining={phase.joining}
          onJoin={(choice) => {
            setStoredName(choice.name);
            void join(choice);
          }}
        />
      );
    case 'lobby':
      return <LobbyWait name={phase.name} />;
    case 'in-call':
      return (
        <CallView
          adapter={phase.adapter}
          roomId={roomId}
          credentials={phase.credentials}
          onLeave={session.leave}
          onDisconnected={session.disconnected}
          onHostEnded={session.hostEnded}
          onTokenRenewed={session.tokenRenewed}
          rejoinForToken={session.rejoinForToken}
        />
      );
    case 'message':
      return <RoomMessage kind={phase.message} detail={phase.detail} onRetry={retry} />;
  }
}
