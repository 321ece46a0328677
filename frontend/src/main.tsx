import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Root } from './app/root.tsx';
import { logger } from './services/debug-logger.ts';
import './app/app.css';

logger.installGlobalHandlers();
logger.info('page loaded', { path: window.location.pathname });

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <Root />
  </StrictMode>,
);
