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
