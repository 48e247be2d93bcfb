import type { AddressInfo } from 'node:net';

import { createHttpsServer } from '@vercel/cosmosdb-server';

import { loopbackCertificate } from './tls.js';
import { closeServer } from './closeServer.js';

export interface LocalCosmos {
  readonly endpoint: string;
  /** The stand-in accepts any key; this one only marks that key auth is in use. */
  readonly key: string;
  /** PEM of the certificate generated at start (its bundled one expired in 2021). */
  readonly cert: string;
  close(): Promise<void>;
}

/** `@vercel/cosmosdb-server` in-process over HTTPS on 127.0.0.1. See README for what it lacks. */
export async function startCosmosStandIn(port = 0): Promise<LocalCosmos> {
  const { key, cert } = await loopbackCertificate();
  // Keep-alive, as the real gateway: closing after every response made each request pay a TLS handshake.
  const server = createHttpsServer({ key, cert, keepAlive: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    endpoint: `https://127.0.0.1:${address.port}/`,
    key: 'local-stand-in-key',
    cert,
    close: () => closeServer(server),
  };
}
