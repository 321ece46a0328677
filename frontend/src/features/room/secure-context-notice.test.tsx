import { render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { logger } from '../../services/debug-logger.ts';
import { SecureContextNotice } from './secure-context-notice.tsx';
import { isInsecureForMedia } from './secure-context.ts';

describe('SecureContextNotice', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('tells an insecure page why media is off and logs it once', () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    render(<SecureContextNotice insecure />);
    expect(screen.getByRole('alert').textContent).toMatch(/plain http.*https address/s);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[1]).toMatchObject({ problem: 'insecure_context' });
  });

  it('says nothing on a secure page', () => {
    const warn = vi.spyOn(logger, 'warn').mockImplementation(() => undefined);
    const { container } = render(<SecureContextNotice insecure={false} />);
    expect(container.textContent).toBe('');
    expect(warn).not.toHaveBeenCalled();
  });

  it('reads the browser secure-context flag', () => {
    expect(isInsecureForMedia({ isSecureContext: false })).toBe(true);
    expect(isInsecureForMedia({ isSecureContext: true })).toBe(false);
  });
});
