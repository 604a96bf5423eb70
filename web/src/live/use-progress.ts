import { useEffect, useRef, useState } from 'preact/hooks';
import { sessionExpired } from '../api.js';
import { getSession } from '../session.js';
import type { ProgressMessage } from '../types.js';
import { ProgressStream, type SocketLike, type StreamState } from './progress-stream.js';

const socketUrl = (projectId: string, token: string, since: number | null) => {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  const query = new URLSearchParams({ token });
  if (since !== null) query.set('since', String(since));
  return `${scheme}://${window.location.host}/ws/projects/${projectId}/progress?${query}`;
};

/**
 * Every progress message of a project from its first event (since=0), then live; the browser's
 * online/offline events close and reopen the socket at once.
 */
export function useProjectProgress(
  projectId: string | null,
  onMessage: (message: ProgressMessage) => void,
): { state: StreamState; connections: number } {
  const [status, setStatus] = useState<{ state: StreamState; connections: number }>({
    state: 'connecting',
    connections: 0,
  });
  const handler = useRef(onMessage);
  handler.current = onMessage;
  useEffect(() => {
    const session = getSession();
    if (!projectId || !session) return undefined;
    const stream: ProgressStream<ProgressMessage> = new ProgressStream<ProgressMessage>({
      since: 0,
      url: (since) => socketUrl(projectId, session.token, since),
      open: (url) => new WebSocket(url) as unknown as SocketLike,
      onMessage: (message) => handler.current(message),
      onState: (state) => setStatus({ state, connections: stream.connections }),
      onUnauthorized: sessionExpired,
    });
    const online = () => stream.setOffline(false);
    const offline = () => stream.setOffline(true);
    window.addEventListener('online', online);
    window.addEventListener('offline', offline);
    stream.start();
    if (!navigator.onLine) stream.setOffline(true);
    return () => {
      window.removeEventListener('online', online);
      window.removeEventListener('offline', offline);
      stream.stop();
    };
  }, [projectId]);
  return status;
}
