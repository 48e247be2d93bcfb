import type { Command } from 'commander';

import { UserError } from '../../shared/errors.js';
import { sendSampleEvents, type SendSampleTarget } from '../../shared/producer/sendSample.js';
import { cliEnvironment } from '../settingsFromFile.js';

export function registerSendSample(program: Command): void {
  program
    .command('send-sample')
    .description('send realistic v2 usage events to a real Event Hub (EventHubConnection settings)')
    .option('--count <n>', 'events to send', '100')
    .option('--seed <n>', 'random seed, for reproducible events', '1')
    .option('--max-retries <n>', 'retries per send before failing', '2')
    .action(async (options: { count: string; seed: string; maxRetries: string }) => {
      const count = Number(options.count);
      if (!Number.isInteger(count) || count < 1 || count > 1_000_000) {
        throw new UserError('--count: must be a whole number from 1 to 1000000');
      }
      const env = cliEnvironment();
      const eventHubName = env.USAGE_EVENTHUB_NAME ?? 'aoai-usage';
      const result = await sendSampleEvents({
        ...(await target(env)),
        eventHubName,
        count,
        seed: Number(options.seed) || 1,
        maxRetries: Math.max(0, Number(options.maxRetries) || 0),
      });
      process.stdout.write(`sent ${result.sent} events to ${eventHubName} in ${result.batches} batches\n`);
    });
}

/** A connection string when given; otherwise the identity-based namespace, with DefaultAzureCredential built only then. */
async function target(env: Record<string, string | undefined>): Promise<SendSampleTarget> {
  const connectionString = env.EventHubConnection;
  if (connectionString !== undefined && connectionString !== '') return { connectionString };
  const namespace = env.EventHubConnection__fullyQualifiedNamespace;
  if (namespace === undefined || namespace === '') {
    throw new UserError(
      'EventHubConnection: set a connection string, or EventHubConnection__fullyQualifiedNamespace',
    );
  }
  const { DefaultAzureCredential } = await import('@azure/identity');
  return { fullyQualifiedNamespace: namespace, credential: new DefaultAzureCredential() };
}
