/**
 * The API's `sfu.url` is either an absolute ws:// or wss:// URL (an SFU on its own host) or a
 * path on this page's origin (the default: nginx proxies /rtc to the SFU). A path becomes a
 * WebSocket URL with the page's own host and the scheme that matches the page, so an https
 * page always gets wss and nobody has to configure the public host name.
 */
export function resolveSfuUrl(url: string, page: Pick<Location, 'protocol' | 'host'>): string {
  if (!url.startsWith('/')) return url;
  const scheme = page.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${page.host}${url}`;
}
