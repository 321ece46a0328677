import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { type LogFilters, toSubscribeFilters } from './log-filters.ts';
import { initialLogState, logStreamReducer, needsToken } from './log-stream-state.ts';
import type { LogLine, ServiceStatus } from './log-types.ts';
import { fetchOlderLines } from './older-lines.ts';
import { parseServerMessage } from './log-types.ts';
import { forgetOperatorToken, readOperatorToken, storeOperatorToken, withToken } from './operator-token.ts';

export type SocketFactory = (url: string) => WebSocket;
export type ServicesFetcher = () => Promise<ServiceStatus[]>;

const defaultSocket: SocketFactory = (url) => new WebSocket(url);

/** `GET /api/services` stays open in production: the status panel works without the token. */
const defaultFetchServices: ServicesFetcher = async () => {
  const response = await fetch('/debug/api/services');
  if (!response.ok) throw new Error(`HTTP ${response.status}`);
  const body = (await response.json()) as { services: ServiceStatus[] };
  return body.services;
};

export function debugStreamUrl(location: Location = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/debug/ws`;
}

const backlog = 1000;
/** The service closes a stream without (or with a wrong) operator token with this code. */
const unauthorizedCloseCode = 4401;
const servicesPollMs = 5000;

export interface LogStreamOptions {
  url?: string;
  createSocket?: SocketFactory;
  fetchServices?: ServicesFetcher;
}

/**
 * The debug service's live stream: reconnects with backoff when the socket drops, and
 * re-subscribes (which replaces the lines with a fresh backlog) when the filters change.
 * A stream refused for its operator token is not retried: it waits for `submitToken`.
 */
export function useLogStream(
  filters: LogFilters,
  {
    url = debugStreamUrl(),
    createSocket = defaultSocket,
    fetchServices = defaultFetchServices,
  }: LogStreamOptions = {},
) {
  const [state, dispatch] = useReducer(logStreamReducer, initialLogState);
  // A new object per submission, so submitting the same token again after a refusal reconnects.
  const [credentials, setCredentials] = useState(() => ({ token: readOperatorToken() }));
  const socket = useRef<WebSocket | null>(null);
  const subscription = JSON.stringify({
    type: 'subscribe',
    filters: toSubscribeFilters(filters),
    backlog,
  });
  const latestSubscription = useRef(subscription);

  useEffect(() => {
    const { token } = credentials;
    let closed = false;
    let failures = 0;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const open = () => {
      let refused = false;
      const ws = createSocket(withToken(url, token));
      socket.current = ws;
      ws.onopen = () => {
        failures = 0;
        dispatch({ type: 'connected', connected: true });
        ws.send(latestSubscription.current);
      };
      ws.onmessage = (event: MessageEvent) => {
        const message = parseServerMessage(event.data);
        if (message?.type === 'error' && message.error.code === 'unauthorized') refused = true;
        if (message) dispatch({ type: 'message', message });
      };
      ws.onclose = (event: CloseEvent) => {
        if (closed) return;
        if (refused || event.code === unauthorizedCloseCode) {
          // A token the service refuses must not come back on the next reload either.
          if (token !== null) forgetOperatorToken();
          dispatch({ type: 'refused', tokenGiven: token !== null });
          return;
        }
        dispatch({ type: 'connected', connected: false });
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
  }, [url, createSocket, credentials]);

  useEffect(() => {
    latestSubscription.current = subscription;
    if (socket.current?.readyState === WebSocket.OPEN) socket.current.send(subscription);
  }, [subscription]);

  // Without the stream, the status panel polls the open endpoint instead of going blank.
  const polling = needsToken(state.access);
  useEffect(() => {
    if (!polling) return;
    let stopped = false;
    const poll = () => {
      fetchServices().then(
        (services) => {
          if (!stopped) dispatch({ type: 'services-polled', services });
        },
        () => {
          // The panel keeps the last status; the next poll tries again.
        },
      );
    };
    poll();
    const timer = setInterval(poll, servicesPollMs);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [polling, fetchServices]);

  const pause = useCallback(() => {
    dispatch({ type: 'pause' });
  }, []);
  const resume = useCallback(() => {
    dispatch({ type: 'resume' });
  }, []);
  const submitToken = useCallback((token: string) => {
    const trimmed = token.trim();
    if (!trimmed) return;
    storeOperatorToken(trimmed);
    dispatch({ type: 'token-submitted' });
    setCredentials({ token: trimmed });
  }, []);
  const loadingOlder = useRef(false);
  /** Scroll back: fetch the lines before `oldest` (once at a time) and put them in front. */
  const loadOlder = useCallback(
    async (oldest: LogLine) => {
      if (loadingOlder.current) return;
      loadingOlder.current = true;
      try {
        const page = await fetchOlderLines(filters, oldest, credentials.token);
        dispatch({ type: 'older', logs: page.logs, complete: page.complete });
      } finally {
        loadingOlder.current = false;
      }
    },
    [filters, credentials],
  );
  const forgetToken = useCallback(() => {
    forgetOperatorToken();
    dispatch({ type: 'token-forgotten' });
    setCredentials({ token: null });
  }, []);
  return {
    state,
    pause,
    resume,
    submitToken,
    forgetToken,
    loadOlder,
    tokenInUse: credentials.token !== null,
  };
}
