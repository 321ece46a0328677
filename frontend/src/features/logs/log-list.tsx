import { useState } from 'react';
import type { LogLine } from './log-types.ts';

function time(timestamp: string): string {
  const date = new Date(timestamp);
  if (Number.isNaN(date.getTime())) return timestamp;
  return `${date.toLocaleTimeString(undefined, { hour12: false })}.${String(date.getMilliseconds()).padStart(3, '0')}`;
}

function LogRow({ line }: { line: LogLine }) {
  const [open, setOpen] = useState(false);
  const hasMetadata = Object.keys(line.metadata).length > 0;
  return (
    <li className={`log-line level-${line.level}`} data-service={line.service} data-level={line.level}>
      <button
        type="button"
        className="log-summary"
        aria-expanded={hasMetadata ? open : undefined}
        disabled={!hasMetadata}
        onClick={() => {
          setOpen((value) => !value);
        }}
      >
        <time dateTime={line.timestamp}>{time(line.timestamp)}</time>
        <span className="log-level">{line.level}</span>
        <span className="log-service">{line.service}</span>
        <span className="log-message">{line.message}</span>
      </button>
      {open && <pre className="log-metadata">{JSON.stringify(line.metadata, null, 2)}</pre>}
    </li>
  );
}

export function LogList({ lines }: { lines: LogLine[] }) {
  if (lines.length === 0) return <p className="muted empty">No log lines match.</p>;
  return (
    <ol className="log-list" aria-label="Log lines">
      {lines.map((line) => (
        <LogRow key={line.id} line={line} />
      ))}
    </ol>
  );
}
