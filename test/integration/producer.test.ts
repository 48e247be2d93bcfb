import { createServer } from 'node:net';

import type { TokenCredential } from '@azure/event-hubs';
import { describe, expect, it } from 'vitest';

import { DependencyError, UserError } from '../../shared/errors.js';
import { type SendSampleOptions, sendSampleEvents } from '../../shared/producer/sendSample.js';

// Distinctive, so "the message contains no key" cannot pass by accident.
const KEY = 'c2VjcmV0LWtleS1uZXZlci1wcmludGVk';

/** A loopback port that nothing listens on: bind an ephemeral port, then release it. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  if (address === null || typeof address === 'string') throw new Error('no TCP port was bound');
  return address.port;
}

async function failure(options: SendSampleOptions): Promise<Error> {
  const outcome = await sendSampleEvents(options).then(
    (result) => result,
    (error: unknown) => error,
  );
  if (!(outcome instanceof Error)) throw new Error(`expected a failure, got ${JSON.stringify(outcome)}`);
  return outcome;
}

const fast = { eventHubName: 'aoai-usage', count: 3, seed: 1, maxRetries: 1, timeoutMs: 2_000 } as const;

describe('sendSampleEvents against a namespace that is not there', () => {
  // Without UseDevelopmentEmulator the SDK honours the port but speaks TLS; with it, plain AMQP.
  // Either way the loopback connection is refused, which is the path under test.
  it.each([
    ['TLS', ''],
    ['emulator', ';UseDevelopmentEmulator=true'],
  ])('fails fast, naming the namespace and never the key (%s)', async (_mode, extra) => {
    const port = await closedPort();
    const connectionString = `Endpoint=sb://127.0.0.1:${port}/;SharedAccessKeyName=x;SharedAccessKey=${KEY};EntityPath=aoai-usage${extra}`;
    const started = Date.now();

    const error = await failure({ ...fast, connectionString });

    expect(error).toBeInstanceOf(DependencyError);
    expect(error.message).toContain(`namespace 127.0.0.1:${port}`);
    expect(error.message).toContain('hub aoai-usage');
    expect(error.message).toContain('ECONNREFUSED');
    expect(error.message).not.toContain(KEY);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('uses the credential it is given (never a default chain) and fails the same way', async () => {
    const port = await closedPort();
    let tokenRequests = 0;
    const credential: TokenCredential = {
      getToken: () => {
        tokenRequests++;
        return Promise.resolve({ token: 'not-a-real-token', expiresOnTimestamp: Date.now() + 3_600_000 });
      },
    };

    const error = await failure({ ...fast, fullyQualifiedNamespace: `127.0.0.1:${port}`, credential });

    expect(error).toBeInstanceOf(DependencyError);
    expect(error.message).toContain(`namespace 127.0.0.1:${port}`);
    // The SDK asks the caller's credential for a token; nothing else is ever constructed.
    expect(tokenRequests).toBeGreaterThan(0);
  });

  it('rejects a connection string for another hub before the SDK can quote it', async () => {
    const connectionString = `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=x;SharedAccessKey=${KEY};EntityPath=other-hub`;

    const error = await failure({ ...fast, connectionString });

    expect(error).toBeInstanceOf(UserError);
    expect(error.message).toContain('ns.servicebus.windows.net');
    expect(error.message).toContain('"other-hub"');
    expect(error.message).not.toContain(KEY);
  });

  it('reports an unparsable connection string without echoing it', async () => {
    const error = await failure({ ...fast, connectionString: `SharedAccessKey=${KEY}` });

    expect(error).toBeInstanceOf(UserError);
    expect(error.message).not.toContain(KEY);
  });
});
