import type { Lobby } from './use-lobby.ts';

/** The hosts' notification: who waits in the lobby, with Admit / Deny (and Admit all). */
export function LobbyNotice({ lobby }: { lobby: Lobby }) {
  if (lobby.requests.length === 0 && !lobby.error) return null;
  return (
    <section className="lobby-notice" aria-label="Waiting in the lobby" data-lobby-notice>
      {lobby.requests.length > 0 && (
        <h2>
          {lobby.requests.length === 1
            ? 'Someone wants to join'
            : `${String(lobby.requests.length)} people want to join`}
        </h2>
      )}
      <ul>
        {lobby.requests.map((request) => (
          <li key={request.id} data-lobby-request={request.name}>
            <span className="lobby-name">{request.name}</span>
            <button
              type="button"
              className="primary"
              aria-label={`Admit ${request.name}`}
              onClick={() => {
                lobby.admit(request.id);
              }}
            >
              Admit
            </button>
            <button
              type="button"
              aria-label={`Deny ${request.name}`}
              onClick={() => {
                lobby.deny(request.id);
              }}
            >
              Deny
            </button>
          </li>
        ))}
      </ul>
      {lobby.requests.length > 1 && (
        <button type="button" onClick={lobby.admitAll}>
          Admit all
        </button>
      )}
      {lobby.error && (
        <p className="lobby-error" role="alert">
          {lobby.error}
        </p>
      )}
    </section>
  );
}

/** The hosts' switch for the lobby (shown in the people panel). */
export function LobbySwitch({ lobby }: { lobby: Lobby }) {
  return (
    <label className="lobby-switch">
      <input
        type="checkbox"
        checked={lobby.enabled}
        onChange={(event) => {
          lobby.setEnabled(event.target.checked);
        }}
      />{' '}
      Lobby: ask me before letting people in
    </label>
  );
}
