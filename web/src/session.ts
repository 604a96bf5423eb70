/** The signed-in user's token, kept in localStorage so a reload keeps the session. */
const KEY = '3kstory.session';

export interface Session {
  token: string;
  email: string;
  userId: string;
}

type Listener = (session: Session | null) => void;
const listeners = new Set<Listener>();

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    const parsed = raw ? (JSON.parse(raw) as Partial<Session>) : null;
    return parsed?.token && parsed.email && parsed.userId ? (parsed as Session) : null;
  } catch {
    return null;
  }
}

let current: Session | null = read();

export const getSession = () => current;

export function setSession(session: Session | null): void {
  current = session;
  if (session) localStorage.setItem(KEY, JSON.stringify(session));
  else localStorage.removeItem(KEY);
  for (const listener of listeners) listener(session);
}

export function onSession(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

// Another tab logged in or out.
window.addEventListener('storage', (event) => {
  if (event.key !== KEY) return;
  current = read();
  for (const listener of listeners) listener(current);
});
