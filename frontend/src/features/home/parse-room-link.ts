// Room ids are URL-safe strings (the backend's shape check); anything else is not a room.
const roomIdPattern = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * Accepts what people paste: a full invite link (any host), a path `/r/<id>`, or the bare id.
 * Returns the room id, or null when the text is neither.
 */
export function parseRoomLink(input: string): string | null {
  const text = input.trim();
  if (!text) return null;
  if (roomIdPattern.test(text)) return text;
  let path = text;
  try {
    path = new URL(text).pathname;
  } catch {
    // Not an absolute URL: treat it as a path.
  }
  const match = /(?:^|\/)r\/([^/?#]+)\/?$/.exec(path.split(/[?#]/)[0] ?? '');
  const candidate = match?.[1] ? decodeURIComponent(match[1]) : null;
  return candidate && roomIdPattern.test(candidate) ? candidate : null;
}
