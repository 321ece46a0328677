import { Link } from 'react-router';

/** Every way a room visit can end other than being in the call. */
export type RoomMessageKind =
  | 'not_found'
  | 'sfu_unavailable'
  | 'room_full'
  | 'room_locked'
  | 'connect_failed'
  | 'unsupported_provider'
  | 'unreachable'
  | 'error'
  | 'left'
  | 'ended'
  | 'host_ended'
  | 'you_ended'
  | 'removed'
  | 'lobby_denied'
  | 'lobby_expired'
  | 'lost';

const texts: Record<RoomMessageKind, { title: string; body: string; retry: string | null }> = {
  not_found: {
    title: 'This room does not exist',
    body: 'The link may be mistyped, or the room was closed after everyone left.',
    retry: null,
  },
  sfu_unavailable: {
    title: 'The media server is unavailable',
    body: 'Video calls cannot start right now because the media server is not responding. Try again in a moment.',
    retry: 'Try again',
  },
  room_full: {
    title: 'This room is full',
    body: 'The room has reached its participant limit. Try again when someone leaves.',
    retry: 'Try again',
  },
  room_locked: {
    title: 'This room is locked',
    body: 'The host is letting nobody new in right now. Try again later, or ask the host to unlock it.',
    retry: 'Try again',
  },
  connect_failed: {
    title: 'Could not connect to the call',
    body: 'The media server did not accept the connection. It may be down, or a firewall may block it.',
    retry: 'Try again',
  },
  unsupported_provider: {
    title: 'This call cannot be joined from this app',
    body: 'The server uses a media server this version of the app does not support.',
    retry: null,
  },
  unreachable: {
    title: 'The server is not reachable',
    body: 'Check your connection and try again.',
    retry: 'Try again',
  },
  error: {
    title: 'Something went wrong',
    body: 'The call could not be started.',
    retry: 'Try again',
  },
  left: { title: 'You left the call', body: 'Thanks for joining.', retry: 'Rejoin' },
  ended: {
    title: 'The call has ended',
    body: 'The room was closed or you were removed from it.',
    retry: null,
  },
  host_ended: {
    title: 'The host ended the room',
    body: 'The person who created this room ended it for everyone.',
    retry: null,
  },
  you_ended: {
    title: 'You ended the room',
    body: 'Everyone was disconnected and the link no longer works.',
    retry: null,
  },
  removed: {
    title: 'You were removed from the room',
    body: 'The host removed you from this call.',
    retry: null,
  },
  lobby_denied: {
    title: 'The host did not let you in',
    body: 'A host of this room declined your request to join.',
    retry: null,
  },
  lobby_expired: {
    title: 'Your request to join expired',
    body: 'No host let you in in time. You can ask again.',
    retry: 'Ask again',
  },
  lost: {
    title: 'Connection lost',
    body: 'The connection to the call dropped and could not be restored.',
    retry: 'Rejoin',
  },
};

interface Props {
  kind: RoomMessageKind;
  detail?: string | undefined;
  onRetry?: () => void;
}

export function RoomMessage({ kind, detail, onRetry }: Props) {
  const text = texts[kind];
  return (
    <main className="page message" data-room-message={kind}>
      <div className="card">
        <h1>{text.title}</h1>
        <p>{text.body}</p>
        {detail && <p className="muted small">{detail}</p>}
        <div className="actions">
          {text.retry && onRetry && (
            <button type="button" className="primary" onClick={onRetry}>
              {text.retry}
            </button>
          )}
          <Link className="button" to="/">
            {kind === 'not_found' ? 'Create a new room' : 'Back to home'}
          </Link>
        </div>
      </div>
    </main>
  );
}
