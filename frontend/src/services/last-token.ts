// The last room token this browser held per room, kept across tabs and restarts: a join sends
// it, so that someone a host removed lands in the lobby when opening the link again rather
// than in the call (the server decides; without the token it is a stranger's join).
const prefix = 'video-rooms:last-token:';

export function rememberToken(roomId: string, token: string): void {
  try {
    localStorage.setItem(prefix + roomId, token);
  } catch {
    // Without storage the join simply carries no token.
  }
}

export function lastToken(roomId: string): string | null {
  try {
    return localStorage.getItem(prefix + roomId);
  } catch {
    return null;
  }
}
