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
  | { type: 'resume' };

export const initialLogState: LogStreamState = {
  connected: false,
  access: 'pending',
  lines: [],
  pending: [],
  paused: false,
  skipped: 0,
  services: {},
};

function servicesByName(services: ServiceStatus[]): Record<string, ServiceStatus> {
  return Object.fromEntries(services.map((service) => [service.name, service]));
}

function keepLast(lines: LogLine[]): LogLine[] {
  return lines.length > maxLines ? lines.slice(lines.length - maxLines) : lines;
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
      return { ...state, access: 'granted', lines: keepLast(message.logs), pending: [], skipped: 0 };
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
