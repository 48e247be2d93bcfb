import type { Server } from 'node:http';

/**
 * Stops a local server now: hung requests and idle keep-alive sockets would otherwise hold
 * `close()` open until they time out.
 */
export function closeServer(server: Pick<Server, 'close' | 'closeAllConnections'>): Promise<void> {
  server.closeAllConnections();
  return new Promise<void>((resolve, reject) => {
    server.close((error) => {
      if (error) reject(error);
      else resolve();
    });
  });
}
