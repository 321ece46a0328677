import { Suspense, lazy } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router';
import { NotFoundPage } from '../features/errors/not-found-page.tsx';
import { HomePage } from '../features/home/home-page.tsx';

// Home is in the first bundle; the room page (with the SFU client) and /logs are separate
// chunks, fetched when their route is visited. Declarative routes rather than a data router:
// nothing here loads data before rendering, and the data router would add ~20 KB to home.
const RoomPage = lazy(async () => ({
  default: (await import('../features/room/room-page.tsx')).RoomPage,
}));
const LogsPage = lazy(async () => ({
  default: (await import('../features/logs/logs-page.tsx')).LogsPage,
}));

function Loading() {
  return (
    <main className="page message" aria-busy="true">
      <p className="muted">Loading…</p>
    </main>
  );
}

export function AppRouter() {
  return (
    <BrowserRouter>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/" element={<HomePage />} />
          <Route path="/r/:roomId" element={<RoomPage />} />
          <Route path="/logs" element={<LogsPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
    </BrowserRouter>
  );
}
