// A guest's wait in the lobby: asks the server how its request stands until a host decides
// or it expires. Polling, not a socket: the guest holds no room token yet, and any backend
// replica can answer from the database.
import { type JoinResponse, type LobbyKnock, getLobbyStatus } from '../../../services/api-client.ts';

export const LOBBY_POLL_MS = 1000;

/** The host said no, or no host answered in time: what the guest's screen then says. */
export class LobbyRefused extends Error {
  constructor(readonly outcome: 'denied' | 'expired') {
    super(outcome === 'denied' ? 'The host did not let you in.' : 'No host let you in in time.');
    this.name = 'LobbyRefused';
  }
}

export async function waitInLobby(
  roomId: string,
  knock: LobbyKnock,
  signal: AbortSignal,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<JoinResponse> {
  for (;;) {
    signal.throwIfAborted();
    const answer = await getLobbyStatus(roomId, knock);
    if (answer.status === 'admitted' && answer.credentials) return answer.credentials;
    if (answer.status === 'denied' || answer.status === 'expired') {
      throw new LobbyRefused(answer.status);
    }
    await sleep(LOBBY_POLL_MS);
  }
}
