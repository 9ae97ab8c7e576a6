/**
 * Hash routes (`/#/campaigns/…`): the engine serves one static index.html at `/` and needs no
 * fallback route for client paths; the old report page addresses redirect here.
 */
import { useEffect, useState } from 'preact/hooks';

export interface Route {
  path: string;
  parts: string[];
  params: URLSearchParams;
}

function current(): Route {
  const hash = window.location.hash.replace(/^#/, '') || '/campaigns';
  const [path, search = ''] = hash.split('?');
  return { path, parts: path.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(search) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

export function navigate(path: string): void {
  window.location.hash = `#${path}`;
}

export const href = (path: string) => `#${path}`;
