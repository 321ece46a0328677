// What the viewer holds: the lines shown, the lines that arrived while paused, the status of
// every service and whether the service lets it stream. A reducer, so the live-tail and access
// rules can be tested without a socket.
import type { LogLine, ServerMessage, ServiceStatus } from './log-types.ts';

export const maxLines = 5000;

/**
 * Whether the service lets this viewer stream. In production it requires the operator token
 * (DEBUG_TOKEN); a refused stream is not retried until a token is submitted, because retrying
 * a refused token only runs into the service's limits.
 */
export type StreamAccess =
  | 'pending' // not known yet (connecting, or reconnecting after "forget token")
  | 'granted'
  | 'token-required' // refused without a token
  | 'token-refused' // refused with the token given
  | 'checking-token'; // a submitted token is being tried

export function needsToken(access: StreamAccess): boolean {
  return access === 'token-required' || access === 'token-refused' || access === 'checking-token';
}

export interface LogStreamState {
  connected: boolean;
  access: StreamAccess;
  lines: LogLine[];
  /** Lines received while paused; shown as "N new lines" until resumed. */
  pending: LogLine[];
  paused: boolean;
  /** Lines the service dropped because this viewer fell behind. */
  skipped: number;
  services: Record<string, ServiceStatus>;
  /** No older line matches the filters (scrolling back found the first one). */
  oldestReached: boolean;
}

export type LogStreamAction =
  | { type: 'message'; message: ServerMessage }
  | { type: 'connected'; connected: boolean }
  | { type: 'refused'; tokenGiven: boolean }
  | { type: 'token-submitted' }
  | { type: 'token-forgotten' }
  /** The status from `GET /api/services` (open in production) while the stream is refused. */
  | { type: 'services-polled'; services: ServiceStatus[] }
  | { type: 'pause' }
  | { type: 'resume' }
  /** Older lines fetched by scrolling back (`GET /api/logs`); `complete`: there are no more. */
  | { type: 'older'; logs: LogLine[]; complete: boolean };

export const initialLogState: LogStreamState = {
  connected: false,
  access: 'pending',
  lines: [],
  pending: [],
  paused: false,
  skipped: 0,
  services: {},
  oldestReached: false,
};

function servicesByName(services: ServiceStatus[]): Record<string, ServiceStatus> {
  return Object.fromEntries(services.map((service) => [service.name, service]));
}

function before(a: LogLine, b: LogLine): number {
  // ISO 8601 UTC strings with microseconds, all the same length: they sort as text.
  if (a.timestamp !== b.timestamp) return a.timestamp < b.timestamp ? -1 : 1;
  return a.id - b.id;
}

/**
 * Lines in time order (then arrival order), each once: lines come in the order the service
 * received them, and a browser's batch can arrive after newer lines of the server.
 */
export function inTimeOrder(lines: LogLine[]): LogLine[] {
  const seen = new Set<number>();
  const unique = lines.filter((line) => !seen.has(line.id) && seen.add(line.id));
  const sorted = unique.every((line, i) => i === 0 || before(unique[i - 1] ?? line, line) <= 0);
  return sorted ? unique : unique.sort(before);
}

function keepLast(lines: LogLine[]): LogLine[] {
  const ordered = inTimeOrder(lines);
  return ordered.length > maxLines ? ordered.slice(ordered.length - maxLines) : ordered;
}

export function logStreamReducer(state: LogStreamState, action: LogStreamAction): LogStreamState {
  switch (action.type) {
    case 'connected':
      return { ...state, connected: action.connected };
    case 'refused':
      // Whatever was shown came with an access that no longer holds.
      return {
        ...state,
        connected: false,
        access: action.tokenGiven ? 'token-refused' : 'token-required',
        lines: [],
        pending: [],
        skipped: 0,
      };
    case 'token-submitted':
      return { ...state, connected: false, access: 'checking-token' };
    case 'token-forgotten':
      return { ...state, connected: false, access: 'pending', lines: [], pending: [], skipped: 0 };
    case 'services-polled':
      // Once streaming, the pushed status is newer than any poll still in flight.
      return state.access === 'granted' ? state : { ...state, services: servicesByName(action.services) };
    case 'pause':
      return { ...state, paused: true };
    case 'older': {
      // Reading back: the oldest lines are what the reader wants now, so the newest give way,
      // and the live tail stops following until resumed.
      const lines = inTimeOrder([...action.logs, ...state.lines]).slice(0, maxLines);
      return { ...state, paused: true, lines, oldestReached: action.complete };
    }
    case 'resume':
      return { ...state, paused: false, lines: keepLast([...state.lines, ...state.pending]), pending: [] };
    case 'message':
      return applyMessage(state, action.message);
  }
}

function applyMessage(state: LogStreamState, message: ServerMessage): LogStreamState {
  switch (message.type) {
    case 'services':
      // The first message of an accepted stream.
      return { ...state, access: 'granted', services: servicesByName(message.services) };
    case 'service_status':
      return { ...state, services: { ...state.services, [message.service.name]: message.service } };
    case 'backlog':
      // A new subscription: its backlog replaces everything, including what was paused.
      return {
        ...state,
        access: 'granted',
        lines: keepLast(message.logs),
        pending: [],
        skipped: 0,
        oldestReached: false,
      };
    case 'logs':
      return state.paused
        ? { ...state, pending: keepLast([...state.pending, ...message.logs]) }
        : { ...state, lines: keepLast([...state.lines, ...message.logs]) };
    case 'skipped':
      return { ...state, skipped: state.skipped + message.count };
    case 'cleared':
      return { ...state, lines: [], pending: [], skipped: 0 };
    case 'pong':
    case 'error':
      return state;
  }
}
