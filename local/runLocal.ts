import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { Command, CommanderError } from 'commander';

import { EXIT } from '../cli/exitCodes.js';
import type { RetailPriceItem } from '../shared/pricing/types.js';
import { DEMO_SERVICE_PRINCIPALS } from './demoDirectory.js';
import { DEFAULT_CERT_FILE, DEFAULT_PORTS } from './localDefaults.js';
import { exportLines, sampleFile, settingsForStack } from './localSettings.js';
import { startLocalStack, type LocalPorts } from './stack.js';
import { untilStopped } from './untilStopped.js';

/**
 * `npm run local`: every local service the CLI and `func start` talk to, on fixed ports of
 * 127.0.0.1 (see localDefaults.ts), until Ctrl-C or SIGTERM.
 */
const say = (line = '') => process.stdout.write(`${line}\n`);
interface Options {
  readonly portBase?: string;
  readonly certFile: string;
  readonly writeSettings?: boolean;
}

function portsFrom(portBase: string | undefined): LocalPorts {
  if (portBase === undefined) return DEFAULT_PORTS;
  const base = Number(portBase);
  if (!Number.isInteger(base) || base < 1024 || base > 65_531) {
    throw new UsageError('--port-base: must be a whole number from 1024 to 65531');
  }
  return { cosmos: base, graph: base + 1, retail: base + 2, blob: base + 3, arm: base + 4 };
}

class UsageError extends Error {}

async function run(options: Options): Promise<void> {
  const ports = portsFrom(options.portBase);
  const settingsFile = 'local.settings.json';
  if (options.writeSettings === true && existsSync(settingsFile)) {
    throw new UsageError(`${settingsFile} exists; move it away, or run without --write-settings`);
  }
  const stack = await startLocalStack({
    servicePrincipals: DEMO_SERVICE_PRINCIPALS,
    priceItems: JSON.parse(
      readFileSync(sampleFile('retail-prices-snapshot.json'), 'utf8'),
    ) as RetailPriceItem[],
    serveAsServiceName: 'Foundry Models',
    azurite: true,
    ports,
  }).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    throw new PortError(
      `${message}\nThe local services use fixed ports (${Object.values(ports).join(', ')}) so the ` +
        'settings stay the same between runs: stop what holds the port, or start with ' +
        '`npm run local -- --port-base <n>` (ports n to n+3).',
    );
  });
  try {
    const settings = settingsForStack(stack, options.certFile);
    const certFile = settings.CHARGEBACK_TRUSTED_CA_FILE ?? '';
    say('Local services on 127.0.0.1 (in memory; stop with Ctrl-C):');
    say(`  Cosmos stand-in         ${stack.cosmos.endpoint}`);
    say(`  Graph stand-in          ${stack.graph.url}`);
    say(`  Retail Prices stand-in  ${stack.retail.url}`);
    say(`  Azurite (blob)          http://127.0.0.1:${String(stack.azurite?.blobPort)}`);
    say(`  Certificate (PEM)       ${certFile}`);
    if (options.writeSettings === true) {
      writeFileSync(
        settingsFile,
        `${JSON.stringify({ IsEncrypted: false, Values: { FUNCTIONS_WORKER_RUNTIME: 'node', ...settings } }, null, 2)}\n`,
      );
      say(`\nWrote ${path.resolve(settingsFile)}; the CLI reads it from this folder.`);
    }
    say('\nSettings for another shell (the CLI reads these, or local.settings.json):');
    for (const line of exportLines(settings)) say(line);
    say('\nThen, for example:');
    say('  npm exec --no -- chargeback prices refresh');
    say('  npm exec --no -- chargeback ingest samples/events.jsonl');
    say('  npm exec --no -- chargeback report --from 2025-01-01 --to 2026-12-31');
    const why = await untilStopped();
    say(`\nStopping (${why}).`);
  } finally {
    await stack.stop();
  }
}

class PortError extends Error {}

const program = new Command('local')
  .description('start the local stand-ins for Cosmos, Graph, Retail Prices and Azurite until Ctrl-C')
  .option('--port-base <n>', 'use ports n..n+3 instead of 8081, 8082, 8083 and 10000')
  .option('--cert-file <path>', "where to write the stand-ins' certificate", DEFAULT_CERT_FILE)
  .option('--write-settings', 'also write local.settings.json (refused if it exists)')
  .exitOverride()
  .action(run);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (!(error instanceof CommanderError)) {
    process.stderr.write(`npm run local: ${error instanceof Error ? error.message : String(error)}\n`);
  }
  process.exitCode =
    error instanceof CommanderError
      ? error.exitCode === 0
        ? EXIT.ok
        : EXIT.usage
      : error instanceof UsageError
        ? EXIT.usage
        : EXIT.infrastructure;
}
