// Hands the credentials from "create room" on the home page to the room page, which connects
// only after its pre-join screen. sessionStorage keeps them per tab and survives a reload.
import type { JoinResponse } from './api-client.ts';

export interface StoredCredentials extends JoinResponse {
  participant_name: string;
}

const prefix = 'video-rooms:credentials:';

export function saveCredentials(roomId: string, credentials: StoredCredentials): void {
  try {
    sessionStorage.setItem(prefix + roomId, JSON.stringify(credentials));
  } catch {
    // Without storage the room page simply asks the API to join again.
  }
}

/** Returns the saved credentials once (a token is used for one connection), if any. */
export function takeCredentials(roomId: string): StoredCredentials | null {
  try {
    const raw = sessionStorage.getItem(prefix + roomId);
    sessionStorage.removeItem(prefix + roomId);
    return raw ? (JSON.parse(raw) as StoredCredentials) : null;
  } catch {
    return null;
  }
}

export function peekCredentials(roomId: string): StoredCredentials | null {
  try {
    const raw = sessionStorage.getItem(prefix + roomId);
    return raw ? (JSON.parse(raw) as StoredCredentials) : null;
  } catch {
    return null;
  }
}
