import { access, constants } from 'node:fs/promises';

import type { Command } from 'commander';

import { NothingSavedError, UserError } from '../../shared/errors.js';
import { ingestStream } from '../../shared/pipeline/ingestStream.js';
import { readEvents } from '../../shared/pipeline/readEvents.js';
import { withServices } from '../context.js';
import { EXIT } from '../exitCodes.js';

export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description(
      'run JSON Lines, a JSON array, or {"value"|"records": [...]} of event bodies through the Event Hub pipeline',
    )
    .argument('<file>', 'path, or - for stdin')
    .option('--batch-size <n>', 'events per batch', '500')
    .action(async (file: string, options: { batchSize: string }) => {
      // Before connecting: a typo in the path is a usage error, not a wait on the store.
      if (file !== '-') {
        await access(file, constants.R_OK).catch((error: unknown) => {
          throw new UserError(`${file}: cannot read the file (${(error as Error).message})`);
        });
      }
      await withServices(
        async (services) => {
          let result;
          try {
            result = await ingestStream(readEvents(file), services.ingest, services.spill, {
              batchSize: Math.max(1, Number(options.batchSize) || 500),
            });
          } catch (error) {
            if (!(error instanceof NothingSavedError)) throw error;
            process.stderr.write(
              `chargeback: ${error.message}\n` +
                'the store failed and the spill failed too: that batch is saved nowhere, and `backfill` cannot bring it back; ' +
                're-run this ingest once storage is back (events already written count as duplicates)\n',
            );
            process.exitCode = EXIT.infrastructure;
            return;
          }
          const t = result.totals;
          const spilledEvents = result.spilled.reduce((n, s) => n + s.events, 0);
          process.stdout.write(
            `read ${result.read}: written ${t.recorded + t.pending} (pending ${t.pending}, unpriced ${t.unpriced}), ` +
              `duplicates ${t.duplicates}, dead-lettered ${t.deadLettered}` +
              (spilledEvents > 0 ? `, spilled ${spilledEvents}` : '') +
              '\n',
          );
          for (const s of result.spilled) {
            process.stderr.write(`spilled ${s.events} events to ${s.name}: ${s.reason}\n`);
          }
          const accounted = t.recorded + t.pending + t.duplicates + t.deadLettered;
          if (spilledEvents > 0) {
            process.stderr.write(
              result.spilled.every((s) => s.storeFailure)
                ? 'the store failed: spilled batches are safe; run `chargeback backfill` once it is back\n'
                : 'spilled batches are safe, but not every one failed because of the store (see above): ' +
                    'run `chargeback backfill`; one that keeps failing is quarantined and shown by `chargeback audit`\n',
            );
            process.exitCode = EXIT.spilled;
          } else if (accounted !== result.read) {
            process.stderr.write(`only ${accounted} of ${result.read} events are accounted for\n`);
            process.exitCode = EXIT.finding;
          } else if (result.read > 0 && t.deadLettered === result.read) {
            process.stderr.write(
              `every event was dead-lettered: is ${file} a file of usage events? ` +
                'The dead letters (container deadletter) say why for each\n',
            );
            process.exitCode = EXIT.finding;
          }
        },
        { create: true },
      );
    });
}
