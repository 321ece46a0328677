import { useCallback, useEffect, useReducer, useRef } from 'react';
import { type LogFilters, toSubscribeFilters } from './log-filters.ts';
import { initialLogState, logStreamReducer } from './log-stream-state.ts';
import { parseServerMessage } from './log-types.ts';

export type SocketFactory = (url: string) => WebSocket;

const defaultSocket: SocketFactory = (url) => new WebSocket(url);

export function debugStreamUrl(location: Location = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/debug/ws`;
}

const backlog = 1000;

/**
 * The debug service's live stream: reconnects with backoff when the socket drops, and
 * re-subscribes (which replaces the lines with a fresh backlog) when the filters change.
 */
export function useLogStream(
  filters: LogFilters,
  url: string = debugStreamUrl(),
  createSocket: SocketFactory = defaultSocket,
) {
  const [state, dispatch] = useReducer(logStreamReducer, initialLogState);
  const socket = useRef<WebSocket | null>(null);
  const subscription = JSON.stringify({
    type: 'subscribe',
    filters: toSubscribeFilters(filters),
    backlog,
  });
  const latestSubscription = useRef(subscription);

  useEffect(() => {
    let closed = false;
    let failures = 0;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      const ws = createSocket(url);
      socket.current = ws;
      ws.onopen = () => {
        failures = 0;
        dispatch({ type: 'connected', connected: true });
        ws.send(latestSubscription.current);
      };
      ws.onmessage = (event: MessageEvent) => {
        const message = parseServerMessage(event.data);
        if (message) dispatch({ type: 'message', message });
      };
      ws.onclose = () => {
        dispatch({ type: 'connected', connected: false });
        if (closed) return;
        // The debug service restarting must not leave the page dead: retry, backing off to 10 s.
        retryTimer = setTimeout(open, Math.min(10_000, 500 * 2 ** failures));
        failures += 1;
      };
    };
    open();
    // Keeps idle proxies (nginx closes quiet upstreams after 60 s by default) from cutting us off.
    const keepAlive = setInterval(() => {
      if (socket.current?.readyState === WebSocket.OPEN) socket.current.send('{"type":"ping"}');
    }, 25_000);
    return () => {
      closed = true;
      clearTimeout(retryTimer);
      clearInterval(keepAlive);
      socket.current?.close();
      socket.current = null;
    };
  }, [url, createSocket]);

  useEffect(() => {
    latestSubscription.current = subscription;
    if (socket.current?.readyState === WebSocket.OPEN) socket.current.send(subscription);
  }, [subscription]);

  const pause = useCallback(() => {
    dispatch({ type: 'pause' });
  }, []);
  const resume = useCallback(() => {
    dispatch({ type: 'resume' });
  }, []);
  return { state, pause, resume };
}
