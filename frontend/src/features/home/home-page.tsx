import { type SubmitEvent, useState } from 'react';
import { useStoredName } from '../../hooks/use-stored-name.ts';
import { ApiError, createRoom } from '../../services/api-client.ts';
import { logger } from '../../services/debug-logger.ts';
import { saveCredentials } from '../../services/session-store.ts';
import { parseRoomLink } from './parse-room-link.ts';

function describeCreateError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'sfu_unavailable') {
      return 'The media server is not reachable right now, so no room can be created. Try again in a moment.';
    }
    if (error.code === 'network_error' || error.code === 'service_unavailable') {
      return 'The server is not reachable. Check your connection and try again.';
    }
    return error.message;
  }
  return 'Something went wrong. Try again.';
}

interface Props {
  navigate: (to: string) => void;
  /** Called when the visitor starts to interact, to fetch what the next page needs. */
  onIntent?: () => void;
}

export function HomePage({ navigate, onIntent }: Props) {
  const [name, setName] = useStoredName();
  const [link, setLink] = useState('');
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<string | null>(null);
  const [linkError, setLinkError] = useState<string | null>(null);

  const onCreate = async (event: SubmitEvent) => {
    event.preventDefault();
    const participantName = name.trim();
    if (!participantName) return;
    setCreating(true);
    setCreateError(null);
    try {
      const created = await createRoom(participantName);
      saveCredentials(created.room_id, { ...created, participant_name: participantName });
      logger.info('room created', { room_id: created.room_id });
      navigate(`/r/${created.room_id}`);
    } catch (error) {
      logger.warn('could not create a room', { error: String(error) });
      setCreateError(describeCreateError(error));
      setCreating(false);
    }
  };

  const onJoin = (event: SubmitEvent) => {
    event.preventDefault();
    const roomId = parseRoomLink(link);
    if (!roomId) {
      setLinkError('That is not a room link or code. It looks like …/r/AbC123xyz or AbC123xyz.');
      return;
    }
    setLinkError(null);
    navigate(`/r/${roomId}`);
  };

  return (
    <main className="page home" onFocus={onIntent} onPointerDown={onIntent}>
      <header className="home-header">
        <h1>Video Rooms</h1>
        <p className="muted">Create a room, send the link, talk.</p>
      </header>
      <form className="card" onSubmit={(event) => void onCreate(event)} aria-label="Create a room">
        <h2>Start a call</h2>
        <label className="field">
          <span>Your name</span>
          <input
            name="name"
            value={name}
            onChange={(event) => {
              setName(event.target.value);
            }}
            maxLength={64}
            autoComplete="name"
            placeholder="e.g. Ada"
            required
          />
        </label>
        <button type="submit" className="primary" disabled={creating || !name.trim()}>
          {creating ? 'Creating…' : 'Create room'}
        </button>
        {createError && (
          <p role="alert" className="error">
            {createError}
          </p>
        )}
      </form>
      <form className="card" onSubmit={onJoin} aria-label="Join a room">
        <h2>Join a call</h2>
        <label className="field">
          <span>Invite link or room code</span>
          <input
            name="link"
            value={link}
            onChange={(event) => {
              setLink(event.target.value);
            }}
            placeholder="https://…/r/AbC123xyz"
            required
          />
        </label>
        <button type="submit">Join</button>
        {linkError && (
          <p role="alert" className="error">
            {linkError}
          </p>
        )}
      </form>
      <footer className="muted small">
        <a href="/logs">Logs and service status</a>
      </footer>
    </main>
  );
}
