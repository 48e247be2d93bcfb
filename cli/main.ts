#!/usr/bin/env node
import { Command, CommanderError } from 'commander';

import { ensureError } from '../shared/errors.js';
import { registerApps } from './commands/apps.js';
import { registerAudit } from './commands/audit.js';
import { registerBackfill } from './commands/backfill.js';
import { registerBudgets } from './commands/budgets.js';
import { registerDeployments } from './commands/deployments.js';
import { registerIngest } from './commands/ingest.js';
import { registerInvoice } from './commands/invoice.js';
import { registerPrices } from './commands/prices.js';
import { registerReconcile } from './commands/reconcile.js';
import { registerReport } from './commands/report.js';
import { registerSendSample } from './commands/sendSample.js';
import { exitCodeFor } from './exitCodes.js';

const program = new Command('chargeback')
  .description('Azure OpenAI chargeback: ingest usage, refresh prices, report cost per app and business unit')
  .showHelpAfterError()
  .exitOverride();

registerIngest(program);
registerPrices(program);
registerReport(program);
registerApps(program);
registerBackfill(program);
registerDeployments(program);
registerAudit(program);
registerSendSample(program);
registerInvoice(program);
registerReconcile(program);
registerBudgets(program);

try {
  await program.parseAsync(process.argv);
} catch (thrown) {
  // Commander has printed its own message (unknown option, missing argument, --help).
  if (!(thrown instanceof CommanderError))
    process.stderr.write(`chargeback: ${ensureError(thrown).message}\n`);
  process.exitCode = exitCodeFor(thrown);
}
