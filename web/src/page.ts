import { createContext } from 'preact';
import { useContext, useEffect } from 'preact/hooks';
import type { User } from './types.js';

/** What every page gets from the router. */
export type PageProps = { params: Record<string, string>; query: URLSearchParams };

export const CurrentUser = createContext<User | null>(null);
export const useCurrentUser = () => useContext(CurrentUser);

export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · 3kstory`;
  }, [title]);
}
