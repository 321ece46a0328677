import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LogsPage } from './logs-page.tsx';

/** A browser WebSocket the test drives, playing a debug service in production. */
class FakeSocket {
  static OPEN = 1;
  static all: FakeSocket[] = [];
  readyState = 0;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send() {
    // The page's subscribe; what it says is covered by use-log-stream.test.ts.
  }
  close() {
    this.readyState = 3;
  }
  refuse() {
    this.readyState = 1;
    this.onopen?.();
    this.onmessage?.({
      data: JSON.stringify({
        type: 'error',
        error: { code: 'unauthorized', message: 'the operator token is required' },
      }),
    });
    this.readyState = 3;
    this.onclose?.({ code: 4401 });
  }
  accept() {
    this.readyState = 1;
    this.onopen?.();
    this.onmessage?.({ data: JSON.stringify({ type: 'services', services: [] }) });
    this.onmessage?.({
      data: JSON.stringify({
        type: 'backlog',
        logs: [
          {
            id: 1,
            timestamp: '2026-01-01T00:00:00Z',
            service: 'backend',
            level: 'info',
            message: 'room created',
            metadata: {},
          },
          {
            id: 2,
            timestamp: '2026-01-01T00:00:01Z',
            service: 'nginx',
            level: 'info',
            message: 'GET /api/health 200 1 ms',
            metadata: { path: '/api/health', status: 200 },
          },
        ],
      }),
    });
  }
}

function latest(): FakeSocket {
  const socket = FakeSocket.all.at(-1);
  if (!socket) throw new Error('no socket opened');
  return socket;
}

function renderPage() {
  return render(
    <MemoryRouter>
      <LogsPage />
    </MemoryRouter>,
  );
}

function submit(token: string) {
  fireEvent.change(screen.getByLabelText('Operator token'), { target: { value: token } });
  fireEvent.click(screen.getByRole('button', { name: 'Connect' }));
}

describe('LogsPage in production', () => {
  beforeEach(() => {
    FakeSocket.all = [];
    sessionStorage.clear();
    vi.stubGlobal('WebSocket', FakeSocket);
    vi.stubGlobal(
      'fetch',
      vi.fn(() => Promise.resolve(new Response(JSON.stringify({ services: [] }), { status: 200 }))),
    );
  });
  afterEach(() => {
    cleanup();
    vi.unstubAllGlobals();
  });

  it('asks for the operator token when the stream is refused, and streams once it is right', () => {
    renderPage();
    act(() => {
      latest().refuse();
    });
    expect(screen.getByRole('heading', { name: 'Operator token required' })).toBeTruthy();
    expect(screen.getByText('DEBUG_TOKEN')).toBeTruthy();
    expect(screen.getByLabelText('Operator token').getAttribute('type')).toBe('password');
    expect(screen.queryByRole('alert')).toBeNull();

    submit('wrong token');
    expect(latest().url).toMatch(/\/debug\/ws\?token=wrong%20token$/);
    act(() => {
      latest().refuse();
    });
    expect(screen.getByRole('alert').textContent).toContain('Token refused');
    expect(FakeSocket.all).toHaveLength(2);

    submit('right');
    act(() => {
      latest().accept();
    });
    expect(screen.queryByLabelText('Operator token')).toBeNull();
    expect(screen.getByText('room created')).toBeTruthy();
    expect(sessionStorage.getItem('video-rooms:debug-operator-token')).toBe('right');

    fireEvent.click(screen.getByRole('button', { name: 'Forget token' }));
    expect(sessionStorage.length).toBe(0);
    expect(latest().url).toMatch(/\/debug\/ws$/);
  });

  it('changes nothing when the service needs no token (development)', () => {
    renderPage();
    act(() => {
      latest().accept();
    });
    expect(screen.queryByLabelText('Operator token')).toBeNull();
    expect(screen.queryByRole('button', { name: 'Forget token' })).toBeNull();
    expect(screen.getByText('room created')).toBeTruthy();
    expect(latest().url).toMatch(/\/debug\/ws$/);
  });

  it('hides health checks until the toggle shows them', () => {
    renderPage();
    act(() => {
      latest().accept();
    });
    expect(screen.getByText('room created')).toBeTruthy();
    expect(screen.queryByText('GET /api/health 200 1 ms')).toBeNull();
    fireEvent.click(screen.getByLabelText('Show health checks and stats'));
    expect(screen.getByText('GET /api/health 200 1 ms')).toBeTruthy();
  });
});
