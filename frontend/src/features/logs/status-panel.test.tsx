import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceStatus } from './log-types.ts';
import { StatusPanel } from './status-panel.tsx';

function service(
  name: string,
  status: ServiceStatus['status'],
  message: string | null = null,
): ServiceStatus {
  return {
    name,
    url: status === 'unconfigured' ? '' : `http://127.0.0.1/${name}`,
    status,
    latency_ms: status === 'unconfigured' ? null : 3,
    since: '2026-01-01T00:00:00Z',
    checked_at: null,
    message,
  };
}

afterEach(cleanup);

describe('StatusPanel', () => {
  it('shows each of the four status words as the debug service sends it', () => {
    render(
      <StatusPanel
        services={[
          service('debug', 'healthy'),
          service('backend', 'degraded', 'debug service down'),
          service('sfu', 'unhealthy', 'connection refused'),
          service('frontend', 'unconfigured', 'FRONTEND_URL not set'),
        ]}
        connected
        access="granted"
      />,
    );
    const items = screen.getAllByRole('listitem');
    expect(items.map((item) => item.dataset.status)).toEqual([
      'healthy',
      'degraded',
      'unhealthy',
      'unconfigured',
    ]);
    const [healthy, , , frontend] = items as [HTMLElement, HTMLElement, HTMLElement, HTMLElement];
    expect(frontend.classList.contains('service-unconfigured')).toBe(true);
    expect(within(frontend).getByText('unconfigured')).toBeTruthy();
    expect(within(frontend).getByText('FRONTEND_URL not set')).toBeTruthy();
    expect(within(healthy).getByText('3 ms')).toBeTruthy();
  });
});
