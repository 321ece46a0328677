// The viewer's filters. The debug service applies the same ones to what it streams; they are
// also applied here so that lines already on screen follow a filter change at once, and for
// the time range, which the live stream does not take.
import type { LogLevel } from '../../services/debug-logger.ts';
import type { LogLine } from './log-types.ts';

export interface LogFilters {
  /** Empty: every service. */
  services: string[];
  minLevel: LogLevel;
  text: string;
  roomId: string;
  /** Only lines newer than this many minutes; null: no limit. */
  sinceMinutes: number | null;
  /** Show health checks and periodic stats lines, which otherwise drown everything else. */
  showRoutine: boolean;
}

export const defaultFilters: LogFilters = {
  services: [],
  minLevel: 'debug',
  text: '',
  roomId: '',
  sinceMinutes: null,
  showRoutine: false,
};

const levelRank: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export function atLeast(level: LogLevel, minimum: LogLevel): boolean {
  return levelRank[level] >= levelRank[minimum];
}

// Letters and digits make words; everything else, underscores too, separates them: the rule
// of the service's FTS5 unicode61 tokenizer (debug_service.text_search), so a line shown live
// matches a search exactly when a query for it would return it.
function words(text: string): string[] {
  return text.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
}

/**
 * The service's search rule: every word of the query must be the start of some word of the
 * message ("conn" matches "connection"), case-insensitively.
 */
export function matchesText(message: string, query: string): boolean {
  const wanted = words(query);
  if (wanted.length === 0) return true;
  const present = words(message);
  return wanted.every((word) => present.some((candidate) => candidate.startsWith(word)));
}

// The monitor's GET of every service's health endpoint, once a second each, and the browsers'
// stats summaries every few seconds: the lines that are most of the store and rarely read.
const healthPath = /^\/(?:api\/)?health(?:z)?$/;
const routineMessages = new Set(['webrtc stats']);

export function isRoutine(line: LogLine): boolean {
  const path = line.metadata.path;
  if (typeof path === 'string' && healthPath.test(path)) return true;
  return routineMessages.has(line.message);
}

function metadataRoom(line: LogLine): unknown {
  return line.metadata.room_id ?? line.metadata.roomId;
}

export function matchesFilters(line: LogLine, filters: LogFilters, nowMs = Date.now()): boolean {
  if (!filters.showRoutine && isRoutine(line)) return false;
  if (filters.services.length > 0 && !filters.services.includes(line.service)) return false;
  if (!atLeast(line.level, filters.minLevel)) return false;
  if (filters.roomId.trim() && metadataRoom(line) !== filters.roomId.trim()) return false;
  if (filters.sinceMinutes !== null) {
    const time = Date.parse(line.timestamp);
    if (Number.isFinite(time) && time < nowMs - filters.sinceMinutes * 60_000) return false;
  }
  return matchesText(line.message, filters.text);
}

/** The part of the filters the debug service understands, as its `subscribe` message wants. */
export function toSubscribeFilters(filters: LogFilters): Record<string, unknown> {
  const result: Record<string, unknown> = { level: filters.minLevel };
  if (filters.services.length > 0) result.services = filters.services;
  if (filters.text.trim()) result.q = filters.text.trim();
  if (filters.roomId.trim()) result.room_id = filters.roomId.trim();
  return result;
}
