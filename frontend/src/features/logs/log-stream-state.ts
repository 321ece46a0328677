// What the viewer holds: the lines shown, the lines that arrived while paused, and the status
// of every service. A reducer, so the live-tail rules can be tested without a socket.
import type { LogLine, ServerMessage, ServiceStatus } from './log-types.ts';

export const maxLines = 5000;

export interface LogStreamState {
  connected: boolean;
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
  | { type: 'pause' }
  | { type: 'resume' };

export const initialLogState: LogStreamState = {
  connected: false,
  lines: [],
  pending: [],
  paused: false,
  skipped: 0,
  services: {},
};

function keepLast(lines: LogLine[]): LogLine[] {
  return lines.length > maxLines ? lines.slice(lines.length - maxLines) : lines;
}

export function logStreamReducer(state: LogStreamState, action: LogStreamAction): LogStreamState {
  switch (action.type) {
    case 'connected':
      return { ...state, connected: action.connected };
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
      return {
        ...state,
        services: Object.fromEntries(message.services.map((service) => [service.name, service])),
      };
    case 'service_status':
      return { ...state, services: { ...state.services, [message.service.name]: message.service } };
    case 'backlog':
      // A new subscription: its backlog replaces everything, including what was paused.
      return { ...state, lines: keepLast(message.logs), pending: [], skipped: 0 };
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
