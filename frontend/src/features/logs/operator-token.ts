// The debug service's operator token (DEBUG_TOKEN), which production requires for reading and
// streaming logs. Kept in sessionStorage: it survives a reload of the tab but leaves with it,
// unlike localStorage, which would keep an operator secret on the machine indefinitely.

const key = 'video-rooms:debug-operator-token';

export function readOperatorToken(): string | null {
  try {
    return sessionStorage.getItem(key) || null;
  } catch {
    return null;
  }
}

export function storeOperatorToken(token: string): void {
  try {
    sessionStorage.setItem(key, token);
  } catch {
    // Without storage the token still works for this page; a reload asks for it again.
  }
}

export function forgetOperatorToken(): void {
  try {
    sessionStorage.removeItem(key);
  } catch {
    // Nothing stored, nothing to forget.
  }
}

/** The stream's URL with the token as `?token=` (a browser WebSocket cannot send a header). */
export function withToken(url: string, token: string | null): string {
  if (!token) return url;
  const separator = url.includes('?') ? '&' : '?';
  return `${url}${separator}token=${encodeURIComponent(token)}`;
}
