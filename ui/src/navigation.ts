import { useEffect, useState } from 'react';

export const PAGES = [
  { path: '/ui/providers', label: 'Providers' },
  { path: '/ui/routes', label: 'Routes' },
  { path: '/ui/tenants', label: 'Tenants and keys' },
  { path: '/ui/usage', label: 'Usage and cost' },
  { path: '/ui/playground', label: 'Playground' },
  { path: '/ui/rag', label: 'RAG' },
] as const;

export type PagePath = (typeof PAGES)[number]['path'];

/**
 * Six fixed pages need no router library: the path picks the page, links push history, and
 * the back button works through popstate.
 */
export function useCurrentPage(): [PagePath, (path: PagePath) => void] {
  const [path, setPath] = useState(() => normalise(window.location.pathname));
  useEffect(() => {
    const onPop = () => setPath(normalise(window.location.pathname));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const navigate = (next: PagePath) => {
    if (next !== path) window.history.pushState(null, '', next);
    setPath(next);
  };
  return [path, navigate];
}

function normalise(pathname: string): PagePath {
  const page = PAGES.find((candidate) => pathname.replace(/\/$/, '') === candidate.path);
  return page?.path ?? PAGES[0].path;
}
