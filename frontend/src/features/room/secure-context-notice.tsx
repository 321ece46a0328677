import { useEffect } from 'react';
import { logger } from '../../services/debug-logger.ts';
import { httpsLink, isInsecureForMedia } from './secure-context.ts';
import { useHttpsUrl } from './use-https-url.ts';

// Camera and microphone need a secure page (https, or http on localhost). A colleague
// opening http://<host address>:8080 from another machine gets neither, and every device
// just looks "unsupported"; this says why once, with what to do, and logs it for /logs.
// When the server knows its https address (`make up` does), the notice links to this very
// page there.

export function SecureContextNotice({ insecure = isInsecureForMedia() }: { insecure?: boolean }) {
  const link = httpsLink(useHttpsUrl(insecure), window.location);
  useEffect(() => {
    if (!insecure) return;
    logger.warn('camera and microphone unavailable: page is not a secure context', {
      problem: 'insecure_context',
      origin: window.location.origin,
    });
  }, [insecure]);
  if (!insecure) return null;
  return (
    <p className="warning" role="alert" data-problem="insecure_context">
      This page was opened over plain http from another address than localhost, so the browser
      keeps the camera and microphone off.{' '}
      {link === null ? (
        <>
          Open this server&rsquo;s https address instead (whoever runs it can tell you), or join
          without them to listen and chat.
        </>
      ) : (
        <>
          Open it over https instead: <a href={link}>{link}</a> (the browser may warn about the
          certificate the first time), or join without them to listen and chat.
        </>
      )}
    </p>
  );
}
