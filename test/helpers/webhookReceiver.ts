import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';

import { closeServer } from '../../local/closeServer.js';
import { loopbackCertificate } from '../../local/tls.js';

export interface ReceivedPost {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
  /** The status this receiver answered. */
  readonly answered: number;
}

export interface WebhookReceiver {
  readonly url: string;
  readonly posts: ReceivedPost[];
  /** Answer the next `n` posts with `status` (then 200 again). */
  failNext(n: number, status?: number): void;
  close(): Promise<void>;
}

/** A local HTTPS alert receiver (the stand-ins' loopback certificate): records what it is sent. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const { key, cert } = await loopbackCertificate();
  const posts: ReceivedPost[] = [];
  let failures = 0;
  let failStatus = 500;
  const server: Server = createServer({ key, cert }, (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const answered = failures > 0 ? failStatus : 200;
      if (failures > 0) failures -= 1;
      posts.push({ headers: request.headers, body: Buffer.concat(chunks).toString('utf8'), answered });
      response.writeHead(answered, { 'content-type': 'text/plain' }).end(answered === 200 ? '1' : 'no');
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}/hooks/budget`,
    posts,
    failNext(n, status = 500) {
      failures = n;
      failStatus = status;
    },
    close: () => closeServer(server),
  };
}
