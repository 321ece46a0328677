import { describe, expect, it } from 'vitest';
import {
  type LogStreamState,
  initialLogState,
  logStreamReducer,
  maxLines,
  needsToken,
} from './log-stream-state.ts';
import type { LogLine, ServiceStatus } from './log-types.ts';

function lines(from: number, count: number): LogLine[] {
  return Array.from({ length: count }, (_, index) => ({
    id: from + index,
    timestamp: '2026-01-01T00:00:00Z',
    service: 'backend',
    level: 'info' as const,
    message: `line ${from + index}`,
    metadata: {},
  }));
}

function status(name: string, value: ServiceStatus['status']): ServiceStatus {
  return {
    name,
    url: `http://${name}`,
    status: value,
    latency_ms: 1,
    since: '2026-01-01T00:00:00Z',
    checked_at: null,
    message: null,
  };
}

function apply(state: LogStreamState, ...messages: Parameters<typeof logStreamReducer>[1][]) {
  return messages.reduce(logStreamReducer, state);
}

describe('log stream state', () => {
  it('shows the backlog, then appends live lines', () => {
    const state = apply(
      initialLogState,
      { type: 'message', message: { type: 'backlog', logs: lines(1, 2) } },
      { type: 'message', message: { type: 'logs', logs: lines(3, 1) } },
    );
    expect(state.lines.map((line) => line.id)).toEqual([1, 2, 3]);
  });

  it('holds lines back while paused and shows them on resume', () => {
    let state = apply(
      initialLogState,
      { type: 'message', message: { type: 'backlog', logs: lines(1, 1) } },
      { type: 'pause' },
      { type: 'message', message: { type: 'logs', logs: lines(2, 3) } },
    );
    expect(state.lines).toHaveLength(1);
    expect(state.pending).toHaveLength(3);
    state = logStreamReducer(state, { type: 'resume' });
    expect(state.lines.map((line) => line.id)).toEqual([1, 2, 3, 4]);
    expect(state.pending).toEqual([]);
    expect(state.paused).toBe(false);
  });

  it('replaces everything with a new backlog (a new subscription)', () => {
    const state = apply(
      initialLogState,
      { type: 'message', message: { type: 'backlog', logs: lines(1, 5) } },
      { type: 'pause' },
      { type: 'message', message: { type: 'logs', logs: lines(6, 1) } },
      { type: 'message', message: { type: 'skipped', count: 4 } },
      { type: 'message', message: { type: 'backlog', logs: lines(100, 1) } },
    );
    expect(state.lines.map((line) => line.id)).toEqual([100]);
    expect(state.pending).toEqual([]);
    expect(state.skipped).toBe(0);
  });

  it('keeps at most maxLines lines', () => {
    const state = apply(
      initialLogState,
      { type: 'message', message: { type: 'backlog', logs: lines(1, maxLines) } },
      { type: 'message', message: { type: 'logs', logs: lines(maxLines + 1, 10) } },
    );
    expect(state.lines).toHaveLength(maxLines);
    expect(state.lines.at(-1)?.id).toBe(maxLines + 10);
  });

  it('tracks service status from the initial list and pushed changes', () => {
    const state = apply(
      initialLogState,
      {
        type: 'message',
        message: { type: 'services', services: [status('sfu', 'healthy'), status('backend', 'healthy')] },
      },
      { type: 'message', message: { type: 'service_status', service: status('sfu', 'unhealthy') } },
    );
    expect(state.services.sfu?.status).toBe('unhealthy');
    expect(state.services.backend?.status).toBe('healthy');
  });

  it('empties the view when the operator clears the logs', () => {
    const state = apply(
      initialLogState,
      { type: 'message', message: { type: 'backlog', logs: lines(1, 3) } },
      { type: 'message', message: { type: 'cleared' } },
    );
    expect(state.lines).toEqual([]);
  });

  it('grants access with the first message of an accepted stream', () => {
    expect(initialLogState.access).toBe('pending');
    const state = apply(initialLogState, {
      type: 'message',
      message: { type: 'services', services: [status('backend', 'healthy')] },
    });
    expect(state.access).toBe('granted');
  });

  it('asks for a token when refused without one, says "refused" when refused with one', () => {
    expect(apply(initialLogState, { type: 'refused', tokenGiven: false }).access).toBe('token-required');
    const refused = apply(
      initialLogState,
      { type: 'refused', tokenGiven: false },
      { type: 'token-submitted' },
      { type: 'refused', tokenGiven: true },
    );
    expect(refused.access).toBe('token-refused');
    expect(needsToken(refused.access)).toBe(true);
    expect(needsToken('granted')).toBe(false);
    expect(needsToken('pending')).toBe(false);
  });

  it('shows no lines once the stream is refused', () => {
    const state = apply(
      initialLogState,
      { type: 'message', message: { type: 'backlog', logs: lines(1, 3) } },
      { type: 'refused', tokenGiven: true },
    );
    expect(state.lines).toEqual([]);
    expect(state.connected).toBe(false);
  });

  it('takes polled status while refused, never over the pushed one', () => {
    const polled = apply(
      initialLogState,
      { type: 'refused', tokenGiven: false },
      { type: 'services-polled', services: [status('sfu', 'unhealthy')] },
    );
    expect(polled.services.sfu?.status).toBe('unhealthy');
    const streaming = apply(
      polled,
      { type: 'message', message: { type: 'services', services: [status('sfu', 'healthy')] } },
      { type: 'services-polled', services: [status('sfu', 'unhealthy')] },
    );
    expect(streaming.services.sfu?.status).toBe('healthy');
  });
});
