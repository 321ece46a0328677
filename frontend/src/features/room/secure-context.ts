// Browsers give camera and microphone only to secure pages: https, or http on localhost.
export function isInsecureForMedia(win: Pick<Window, 'isSecureContext'> = window): boolean {
  return !win.isSecureContext;
}
