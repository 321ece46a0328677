import { Suspense, lazy } from 'react';
import { BrowserRouter, Route, Routes, useNavigate } from 'react-router';
import { NotFoundPage } from '../features/errors/not-found-page.tsx';
import { HomePage } from '../features/home/home-page.tsx';
import { Loading } from './loading.tsx';

// The room page (with the SFU client) and /logs are separate chunks, fetched when their route
// is visited. Declarative routes rather than a data router: nothing here loads data before
// rendering, and the data router would add ~20 KB.
const RoomPage = lazy(async () => ({
  default: (await import('../features/room/room-page.tsx')).RoomPage,
}));
const ConnectivityPage = lazy(async () => ({
  default: (await import('../features/help/connectivity-page.tsx')).ConnectivityPage,
}));
const LogsPage = lazy(async () => ({
  default: (await import('../features/logs/logs-page.tsx')).LogsPage,
}));

function HomeRoute() {
  const navigate = useNavigate();
  return <HomePage navigate={(to) => void navigate(to)} />;
}

export function AppRouter() {
  return (
    <BrowserRouter>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/" element={<HomeRoute />} />
          <Route path="/r/:roomId" element={<RoomPage />} />
          <Route path="/logs" element={<LogsPage />} />
          <Route path="/help/connectivity" element={<ConnectivityPage />} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
    </BrowserRouter>
  );
}
