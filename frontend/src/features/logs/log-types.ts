// The debug service's wire format (docs/debug-service.md), as the viewer reads it. A stored
// line and the status words are the schemas' own (generated from vr_common and the API).
import type { ServiceStatus as ApiServiceStatus } from '../../services/generated/api-schemas.ts';
import type { LogEntryPublic } from '../../services/generated/log-entry.ts';

export type LogLine = LogEntryPublic;

export interface ServiceStatus {
  name: string;
  url: string;
  status: ApiServiceStatus['status'];
  latency_ms: number | null;
  since: string;
  checked_at: string | null;
  message: string | null;
}

export type ServerMessage =
  | { type: 'services'; services: ServiceStatus[] }
  | { type: 'backlog'; logs: LogLine[] }
  | { type: 'logs'; logs: LogLine[] }
  | { type: 'skipped'; count: number }
  | { type: 'service_status'; service: ServiceStatus }
  | { type: 'cleared' }
  | { type: 'pong' }
  | { type: 'error'; error: { code: string; message: string } };

const knownTypes = new Set([
  'services',
  'backlog',
  'logs',
  'skipped',
  'service_status',
  'cleared',
  'pong',
  'error',
]);

/** Parses one frame; anything that is not a message this viewer knows is ignored (null). */
export function parseServerMessage(data: unknown): ServerMessage | null {
  if (typeof data !== 'string') return null;
  try {
    const value: unknown = JSON.parse(data);
    if (typeof value !== 'object' || value === null) return null;
    const type = (value as { type?: unknown }).type;
    return typeof type === 'string' && knownTypes.has(type) ? (value as ServerMessage) : null;
  } catch {
    return null;
  }
}
