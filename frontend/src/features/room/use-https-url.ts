import { useEffect, useState } from 'react';
import { getClientConfig } from '../../services/api-client.ts';

/** The server's https origin for other machines (GET /api/config), once it answered; null
 * while asking, when it has none or cannot say, and when `wanted` is false (an https page
 * needs no other address). */
export function useHttpsUrl(wanted: boolean): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!wanted) return;
    let current = true;
    getClientConfig()
      .then((config) => {
        if (current) setUrl(config.https_url);
      })
      .catch(() => {
        // No https address then: links stay on this page's origin.
      });
    return () => {
      current = false;
    };
  }, [wanted]);
  return url;
}
