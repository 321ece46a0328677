import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LogFilters, defaultFilters } from './log-filters.ts';
import type { ServiceStatus } from './log-types.ts';
import { readOperatorToken, storeOperatorToken } from './operator-token.ts';
import { useLogStream } from './use-log-stream.ts';

/** Records what the hook sends and lets the test play the server's part. */
class FakeSocket {
  static OPEN = 1;
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  constructor(readonly url: string) {}
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
  }
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  /** What the debug service does with a stream that lacks the operator token. */
  refuse() {
    this.open();
    this.receive({
      type: 'error',
      error: { code: 'unauthorized', message: 'the operator token is required' },
    });
    this.drop(4401);
  }
}

describe('useLogStream', () => {
  let sockets: FakeSocket[];
  const create = (url: string) => {
    const socket = new FakeSocket(url);
    sockets.push(socket);
    return socket as unknown as WebSocket;
  };

  let servicesPolls: number;
  const services: ServiceStatus[] = [
    {
      name: 'backend',
      url: 'http://backend',
      status: 'healthy',
      latency_ms: 1,
      since: '2026-01-01T00:00:00Z',
      checked_at: null,
      message: null,
    },
  ];
  const fetchServices = () => {
    servicesPolls += 1;
    return Promise.resolve(services);
  };

  beforeEach(() => {
    sockets = [];
    servicesPolls = 0;
    sessionStorage.clear();
    vi.useFakeTimers();
    vi.stubGlobal('WebSocket', FakeSocket);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  function render(filters: LogFilters = defaultFilters) {
    const options = { url: 'ws://test/debug/ws', createSocket: create, fetchServices };
    return renderHook(({ f }) => useLogStream(f, options), {
      initialProps: { f: filters },
    });
  }

  it('subscribes with the filters once connected and shows what arrives', () => {
    const { result } = render({ ...defaultFilters, minLevel: 'warn' });
    const socket = sockets[0];
    act(() => socket?.open());
    expect(socket?.sent).toEqual([
      { type: 'subscribe', filters: { level: 'warn' }, backlog: 1000 },
    ]);
    act(() => {
      socket?.receive({
        type: 'backlog',
        logs: [{ id: 1, timestamp: 't', service: 's', level: 'warn', message: 'm', metadata: {} }],
      });
    });
    expect(result.current.state.connected).toBe(true);
    expect(result.current.state.lines).toHaveLength(1);
  });

  it('re-subscribes when the filters change', () => {
    const { rerender } = render();
    act(() => sockets[0]?.open());
    rerender({ f: { ...defaultFilters, roomId: 'abc' } });
    expect(sockets[0]?.sent.at(-1)).toEqual({
      type: 'subscribe',
      filters: { level: 'debug', room_id: 'abc' },
      backlog: 1000,
    });
  });

  it('reconnects after the socket drops, with the current filters', () => {
    const { result, rerender } = render();
    act(() => sockets[0]?.open());
    rerender({ f: { ...defaultFilters, text: 'timeout' } });
    act(() => sockets[0]?.drop());
    expect(result.current.state.connected).toBe(false);
    act(() => {
      vi.advanceTimersByTime(600);
    });
    expect(sockets).toHaveLength(2);
    act(() => sockets[1]?.open());
    expect(sockets[1]?.sent).toEqual([
      { type: 'subscribe', filters: { level: 'debug', q: 'timeout' }, backlog: 1000 },
    ]);
  });

  it('ignores frames it does not understand', () => {
    const { result } = render();
    act(() => sockets[0]?.open());
    act(() => {
      sockets[0]?.onmessage?.({ data: 'not json' });
      sockets[0]?.receive({ type: 'from-the-future' });
    });
    expect(result.current.state.lines).toEqual([]);
  });

  it('closes the socket and stops reconnecting on unmount', () => {
    const { unmount } = render();
    act(() => sockets[0]?.open());
    unmount();
    act(() => {
      sockets[0]?.onclose?.({ code: 1000 });
      vi.advanceTimersByTime(20_000);
    });
    expect(sockets).toHaveLength(1);
  });

  describe('operator token (production)', () => {
    it('asks for the token when the stream is refused, and does not retry by itself', () => {
      const { result } = render();
      expect(sockets[0]?.url).toBe('ws://test/debug/ws');
      act(() => sockets[0]?.refuse());
      expect(result.current.state.access).toBe('token-required');
      expect(result.current.state.connected).toBe(false);
      act(() => {
        vi.advanceTimersByTime(60_000);
      });
      expect(sockets).toHaveLength(1);
    });

    it('reconnects with the submitted token in the URL, encoded, and keeps it for the tab', () => {
      const { result } = render();
      act(() => sockets[0]?.refuse());
      act(() => {
        result.current.submitToken(' a+b/c=&d ');
      });
      expect(result.current.state.access).toBe('checking-token');
      expect(sockets).toHaveLength(2);
      expect(sockets[1]?.url).toBe('ws://test/debug/ws?token=a%2Bb%2Fc%3D%26d');
      expect(sessionStorage.getItem('video-rooms:debug-operator-token')).toBe('a+b/c=&d');
      expect(localStorage.length).toBe(0);
      act(() => {
        sockets[1]?.open();
        sockets[1]?.receive({ type: 'services', services });
      });
      expect(result.current.state.access).toBe('granted');
      expect(result.current.state.connected).toBe(true);
      expect(result.current.tokenInUse).toBe(true);
    });

    it('uses the token kept in sessionStorage after a reload', () => {
      storeOperatorToken('kept-token');
      render();
      expect(sockets[0]?.url).toBe('ws://test/debug/ws?token=kept-token');
    });

    it('says a refused token was refused, forgets it and does not retry with it', () => {
      storeOperatorToken('wrong');
      const { result } = render();
      act(() => sockets[0]?.refuse());
      expect(result.current.state.access).toBe('token-refused');
      expect(readOperatorToken()).toBeNull();
      act(() => {
        vi.advanceTimersByTime(60_000);
      });
      expect(sockets).toHaveLength(1);
      // Trying the same token again is the operator's call, and reconnects.
      act(() => {
        result.current.submitToken('wrong');
      });
      expect(sockets).toHaveLength(2);
      act(() => sockets[1]?.refuse());
      expect(result.current.state.access).toBe('token-refused');
    });

    it('treats a close with 4401 alone as a refusal', () => {
      const { result } = render();
      act(() => {
        sockets[0]?.open();
        sockets[0]?.drop(4401);
      });
      expect(result.current.state.access).toBe('token-required');
      act(() => {
        vi.advanceTimersByTime(60_000);
      });
      expect(sockets).toHaveLength(1);
    });

    it('forgets the token on request and reconnects without it', () => {
      storeOperatorToken('kept-token');
      const { result } = render();
      act(() => {
        sockets[0]?.open();
        sockets[0]?.receive({ type: 'services', services });
      });
      act(() => {
        result.current.forgetToken();
      });
      expect(readOperatorToken()).toBeNull();
      expect(result.current.tokenInUse).toBe(false);
      expect(sockets.at(-1)?.url).toBe('ws://test/debug/ws');
      expect(sockets[0]?.readyState).toBe(3);
    });

    it('polls the open services endpoint only while the stream waits for the token', async () => {
      const { result } = render();
      act(() => sockets[0]?.open());
      expect(servicesPolls).toBe(0);
      act(() => sockets[0]?.refuse());
      await act(async () => {
        await Promise.resolve();
      });
      expect(servicesPolls).toBe(1);
      expect(result.current.state.services.backend?.status).toBe('healthy');
      act(() => {
        vi.advanceTimersByTime(5_000);
      });
      expect(servicesPolls).toBe(2);
      act(() => {
        result.current.submitToken('right');
      });
      act(() => {
        sockets[1]?.open();
        sockets[1]?.receive({ type: 'services', services });
      });
      act(() => {
        vi.advanceTimersByTime(20_000);
      });
      expect(servicesPolls).toBe(2);
    });
  });
});
