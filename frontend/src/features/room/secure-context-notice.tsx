import { useEffect } from 'react';
import { logger } from '../../services/debug-logger.ts';
import { isInsecureForMedia } from './secure-context.ts';

// Camera and microphone need a secure page (https, or http on localhost). A colleague
// opening http://<host address>:8080 from another machine gets neither, and every device
// just looks "unsupported"; this says why once, with what to do, and logs it for /logs.

export function SecureContextNotice({ insecure = isInsecureForMedia() }: { insecure?: boolean }) {
  useEffect(() => {
    if (insecure) {
      logger.warn('camera and microphone unavailable: page is not a secure context', {
        problem: 'insecure_context',
        origin: window.location.origin,
      });
    }
  }, [insecure]);
  if (!insecure) return null;
  return (
    <p className="warning" role="alert" data-problem="insecure_context">
      This page was opened over plain http from another address than localhost, so the browser
      keeps the camera and microphone off. Open this server&rsquo;s https address instead (whoever
      runs it can tell you), or join without them to listen and chat.
    </p>
  );
}
