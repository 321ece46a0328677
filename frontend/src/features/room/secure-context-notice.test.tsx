import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../services/debug-logger.ts';
import { SecureContextNotice } from './secure-context-notice.tsx';
import { httpsLink, inviteLink, isInsecureForMedia } from './secure-context.ts';

function serverConfig(body: unknown, status = 200) {
  const fetchMock = vi.fn(() => Promise.resolve(new Response(JSON.stringify(body), { status })));
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

describe('SecureContextNotice', () => {
  afterEach(() => {
    cleanup();
    vi.restoreAllMocks();
    vi.unstubAllGlobals();
  });

  it('tells an insecure page why media is off and logs it once', () => {
    serverConfig({ https_url: null });
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    render(<SecureContextNotice insecure />);
    expect(screen.getByRole('alert').textContent).toMatch(/plain http.*https address/s);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[1]).toMatchObject({ problem: 'insecure_context' });
  });

  it('links to this page at the https address the server gives', async () => {
    window.history.pushState({}, '', '/r/abc123?x=1');
    const fetchMock = serverConfig({ https_url: 'https://192.168.1.20:8443' });
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    render(<SecureContextNotice insecure />);
    const link = await screen.findByRole('link');
    expect(link.getAttribute('href')).toBe('https://192.168.1.20:8443/r/abc123?x=1');
    expect(fetchMock).toHaveBeenCalledWith('/api/config', expect.anything());
  });

  it('keeps the notice without a link when the server cannot say', async () => {
    serverConfig({ error: { code: 'http_502', message: 'down' } }, 502);
    vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    render(<SecureContextNotice insecure />);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(screen.queryByRole('link')).toBeNull();
    expect(screen.getByRole('alert').textContent).toMatch(/whoever runs it/);
  });

  it('says nothing on a secure page and asks the server nothing', () => {
    const fetchMock = serverConfig({ https_url: 'https://192.168.1.20:8443' });
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const { container } = render(<SecureContextNotice insecure={false} />);
    expect(container.textContent).toBe('');
    expect(warn).not.toHaveBeenCalled();
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('reads the browser secure-context flag', () => {
    expect(isInsecureForMedia({ isSecureContext: false })).toBe(true);
    expect(isInsecureForMedia({ isSecureContext: true })).toBe(false);
  });
});

describe('httpsLink', () => {
  const here = { pathname: '/r/abc', search: '' };

  it('puts this page on the https origin', () => {
    expect(httpsLink('https://10.0.0.5:8443', here)).toBe('https://10.0.0.5:8443/r/abc');
  });

  it('refuses anything but an https URL', () => {
    expect(httpsLink(null, here)).toBeNull();
    expect(httpsLink('javascript:alert(1)', here)).toBeNull();
    expect(httpsLink('http://10.0.0.5:8080', here)).toBeNull();
    expect(httpsLink('not a url', here)).toBeNull();
  });
});

describe('inviteLink', () => {
  it('invites to the https address from a local http page', () => {
    const page = { protocol: 'http:', origin: 'http://localhost:8080' };
    expect(inviteLink('abc', page, 'https://10.0.0.5:8443')).toBe('https://10.0.0.5:8443/r/abc');
  });

  it("keeps an https page's own origin", () => {
    const page = { protocol: 'https:', origin: 'https://rooms.example' };
    expect(inviteLink('abc', page, 'https://10.0.0.5:8443')).toBe('https://rooms.example/r/abc');
  });

  it('keeps the origin when the server has no https address', () => {
    const page = { protocol: 'http:', origin: 'http://localhost:8080' };
    expect(inviteLink('abc', page, null)).toBe('http://localhost:8080/r/abc');
  });
});
