import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type LogFilters, defaultFilters } from './log-filters.ts';
import { useLogStream } from './use-log-stream.ts';

/** Records what the hook sends and lets the test play the server's part. */
class FakeSocket {
  static OPEN = 1;
  readyState = 0;
  sent: unknown[] = [];
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: string }) => void) | null = null;
  onclose: (() => void) | null = null;
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
  drop() {
    this.readyState = 3;
    this.onclose?.();
  }
}

describe('useLogStream', () => {
  let sockets: FakeSocket[];
  const create = (url: string) => {
    const socket = new FakeSocket(url);
    sockets.push(socket);
    return socket as unknown as WebSocket;
  };

  beforeEach(() => {
    sockets = [];
    vi.useFakeTimers();
    vi.stubGlobal('WebSocket', FakeSocket);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  function render(filters: LogFilters = defaultFilters) {
    return renderHook(({ f }) => useLogStream(f, 'ws://test/debug/ws', create), {
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
      sockets[0]?.onclose?.();
      vi.advanceTimersByTime(20_000);
    });
    expect(sockets).toHaveLength(1);
  });
});
