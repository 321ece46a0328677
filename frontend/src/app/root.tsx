import { Suspense, lazy, useState } from 'react';
import { HomePage } from '../features/home/home-page.tsx';
import { Loading } from './loading.tsx';

// The home page is where most visits start, and it needs no router: the router (~12 KB
// gzipped) is fetched when the visitor starts typing, and mounted when they leave home.
const loadRouter = () => import('./router.tsx');
const AppRouter = lazy(async () => ({ default: (await loadRouter()).AppRouter }));

function prefetchRouter() {
  void loadRouter();
}

export function Root() {
  const [routed, setRouted] = useState(() => window.location.pathname !== '/');
  if (!routed) {
    return (
      <HomePage
        onIntent={prefetchRouter}
        navigate={(to) => {
          window.history.pushState(null, '', to);
          setRouted(true);
        }}
      />
    );
  }
  return (
    <Suspense fallback={<Loading />}>
      <AppRouter />
    </Suspense>
  );
}
