import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useDebouncedValue } from '../../hooks/use-debounced-value.ts';
import { FilterBar } from './filter-bar.tsx';
import { filtersFromSearch, filtersToSearch } from './filters-url.ts';
import { type LogFilters, matchesFilters } from './log-filters.ts';
import { LogList } from './log-list.tsx';
import { needsToken } from './log-stream-state.ts';
import { OperatorTokenForm } from './operator-token-form.tsx';
import { StatusPanel } from './status-panel.tsx';
import { useLogStream } from './use-log-stream.ts';
import './logs.css';

/** Services that log even before the status monitor has reported them. */
const baseServices = ['backend', 'debug', 'frontend'];

export function LogsPage() {
  // The filters start from the query string and are written back to it, so a reload or a
  // shared link keeps them; the state stays local so that an input follows each key at once.
  const [search, setSearch] = useSearchParams();
  const [filters, setFilters] = useState<LogFilters>(() => filtersFromSearch(search));
  useEffect(() => {
    // Only when they differ: setSearch changes with every navigation, so an unconditional
    // write would navigate again and again.
    const next = filtersToSearch(filters);
    if (next.toString() !== search.toString()) setSearch(next, { replace: true });
  }, [filters, search, setSearch]);
  // Typing in a search box should not send a subscribe (and a 1000-line backlog) per key.
  const streamFilters = useDebouncedValue(filters, 300);
  const { state, pause, resume, submitToken, forgetToken, loadOlder, tokenInUse } =
    useLogStream(streamFilters);
  const askToken = needsToken(state.access);
  const listRef = useRef<HTMLDivElement>(null);

  const visible = useMemo(
    () => state.lines.filter((line) => matchesFilters(line, filters)),
    [state.lines, filters],
  );
  const services = useMemo(() => {
    const names = new Set([...baseServices, ...Object.keys(state.services)]);
    for (const line of state.lines) names.add(line.service);
    return [...names].sort();
  }, [state.lines, state.services]);

  // Live tail: keep the newest line in view unless the reader paused to look at something.
  // Where we last scrolled to ourselves: a scroll event at or below it is ours (events arrive
  // a frame late, after more lines may have made the list taller), one above it is the reader's.
  const autoScrollTop = useRef(0);
  useEffect(() => {
    const list = listRef.current;
    if (!list || state.paused) return;
    list.scrollTop = list.scrollHeight;
    autoScrollTop.current = list.scrollTop;
  }, [visible, state.paused]);

  // Scrolling back: older lines go in front, and the lines being read stay where they were.
  const [olderError, setOlderError] = useState(false);
  const keepFromBottom = useRef<number | null>(null);
  const showOlder = () => {
    const list = listRef.current;
    const oldest = state.lines[0];
    if (!oldest || state.oldestReached) return;
    if (list) keepFromBottom.current = list.scrollHeight - list.scrollTop;
    loadOlder(oldest).then(
      () => {
        setOlderError(false);
      },
      () => {
        keepFromBottom.current = null;
        setOlderError(true);
      },
    );
  };
  useLayoutEffect(() => {
    const list = listRef.current;
    if (!list || keepFromBottom.current === null) return;
    list.scrollTop = list.scrollHeight - keepFromBottom.current;
    keepFromBottom.current = null;
  }, [visible]);

  const onScroll = () => {
    const list = listRef.current;
    if (!list) return;
    if (list.scrollTop === 0 && list.scrollHeight > list.clientHeight) showOlder();
    if (state.paused) return;
    if (list.scrollTop < autoScrollTop.current - 40) pause();
  };

  return (
    <main className="page logs">
      <header className="logs-header">
        <h1>Logs</h1>
        <div className="logs-actions">
          {!askToken &&
            (state.paused ? (
              <button type="button" className="primary" onClick={resume}>
                Resume
              </button>
            ) : (
              <button type="button" onClick={pause}>
                Pause
              </button>
            ))}
          {state.pending.length > 0 && (
            <button type="button" className="new-lines" onClick={resume}>
              {state.pending.length} new {state.pending.length === 1 ? 'line' : 'lines'}
            </button>
          )}
          {state.skipped > 0 && (
            <span className="warning small" role="status">
              {state.skipped} lines skipped (the viewer fell behind)
            </span>
          )}
          {tokenInUse && !askToken && (
            <button type="button" onClick={forgetToken}>
              Forget token
            </button>
          )}
          <Link to="/">Home</Link>
        </div>
      </header>
      <FilterBar filters={filters} services={services} onChange={setFilters} />
      <div className="logs-body">
        <div className="log-scroll" ref={listRef} onScroll={onScroll}>
          {askToken ? (
            <OperatorTokenForm access={state.access} onSubmit={submitToken} />
          ) : (
            <>
              {state.lines.length > 0 && (
                <p className="older-lines">
                  {state.oldestReached ? (
                    <span className="muted small">No older lines.</span>
                  ) : (
                    <button type="button" onClick={showOlder}>
                      Load older lines
                    </button>
                  )}
                  {olderError && <span className="warning small"> Older lines could not be loaded.</span>}
                </p>
              )}
              <LogList lines={visible} />
            </>
          )}
        </div>
        <StatusPanel
          services={Object.values(state.services)}
          connected={state.connected}
          access={state.access}
        />
      </div>
    </main>
  );
}
