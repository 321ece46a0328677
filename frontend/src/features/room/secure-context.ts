// Browsers give camera and microphone only to secure pages: https, or http on localhost.
export function isInsecureForMedia(win: Pick<Window, 'isSecureContext'> = window): boolean {
  return !win.isSecureContext;
}

/** This page at the server's https origin, or null if `httpsUrl` is not an https origin. */
export function httpsLink(
  httpsUrl: string | null,
  location: Pick<Location, 'pathname' | 'search'>,
): string | null {
  if (httpsUrl === null) return null;
  let origin: URL;
  try {
    origin = new URL(httpsUrl);
  } catch {
    return null;
  }
  if (origin.protocol !== 'https:') return null;
  return `${origin.origin}${location.pathname}${location.search}`;
}

/** The room's invite link for other people: on this page's origin when it is https, else on
 * the server's https origin if it has one (a link to http://localhost is useless to others,
 * and one to plain http gets them no camera or microphone). */
export function inviteLink(
  roomId: string,
  page: Pick<Location, 'protocol' | 'origin'>,
  httpsUrl: string | null,
): string {
  const path = { pathname: `/r/${roomId}`, search: '' };
  const elsewhere = page.protocol === 'https:' ? null : httpsLink(httpsUrl, path);
  return elsewhere ?? `${page.origin}${path.pathname}`;
}
