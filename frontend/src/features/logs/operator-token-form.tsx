import { useId, useState } from 'react';
import type { StreamAccess } from './log-stream-state.ts';

interface Props {
  access: StreamAccess;
  onSubmit: (token: string) => void;
}

/** Asks for the operator token when the debug service refuses the stream without it. */
export function OperatorTokenForm({ access, onSubmit }: Props) {
  const [token, setToken] = useState('');
  const headingId = useId();
  const checking = access === 'checking-token';
  return (
    <form
      className="token-form card"
      aria-labelledby={headingId}
      onSubmit={(event) => {
        event.preventDefault();
        onSubmit(token);
        setToken('');
      }}
    >
      <h2 id={headingId}>Operator token required</h2>
      <p className="muted">
        In production the debug service requires the operator token (<code>DEBUG_TOKEN</code>) to
        read and stream logs. It is kept in this tab only (sessionStorage) until the tab closes.
      </p>
      {access === 'token-refused' && (
        <p className="error" role="alert">
          Token refused: the debug service did not accept it. Check DEBUG_TOKEN and enter it again.
        </p>
      )}
      <label className="field">
        <span>Operator token</span>
        <input
          type="password"
          autoComplete="off"
          spellCheck={false}
          required
          value={token}
          disabled={checking}
          onChange={(event) => {
            setToken(event.target.value);
          }}
        />
      </label>
      <div className="actions">
        <button type="submit" className="primary" disabled={checking || !token.trim()}>
          {checking ? 'Checking…' : 'Connect'}
        </button>
      </div>
    </form>
  );
}
