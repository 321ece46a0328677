import { Link } from 'react-router';

/** The guest's screen while its request waits in the lobby. */
export function LobbyWait({ name }: { name: string }) {
  return (
    <main className="page message" data-lobby-wait aria-busy="true">
      <div className="card" role="status">
        <h1>Waiting for the host to let you in</h1>
        <p>
          You asked to join as <strong>{name}</strong>. This page moves on by itself once a host
          admits you.
        </p>
        <div className="actions">
          <Link className="button" to="/">
            Cancel
          </Link>
        </div>
      </div>
    </main>
  );
}
