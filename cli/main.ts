#!/usr/bin/env node
import { Command, CommanderError } from 'commander';

import { DependencyError, ensureError, UserError } from '../shared/errors.js';
import { registerApps } from './commands/apps.js';
import { registerAudit } from './commands/audit.js';
import { registerBackfill } from './commands/backfill.js';
import { registerBudgets } from './commands/budgets.js';
import { registerIngest } from './commands/ingest.js';
import { registerPrices } from './commands/prices.js';
import { registerReport } from './commands/report.js';
import { registerSendSample } from './commands/sendSample.js';

const program = new Command('chargeback')
  .description('Azure OpenAI chargeback: ingest usage, refresh prices, report cost per app and business unit')
  .showHelpAfterError()
  .exitOverride();

registerIngest(program);
registerPrices(program);
registerReport(program);
registerApps(program);
registerBackfill(program);
registerAudit(program);
registerSendSample(program);
registerBudgets(program);

try {
  await program.parseAsync(process.argv);
} catch (thrown) {
  if (thrown instanceof CommanderError) {
    process.exitCode = thrown.exitCode;
  } else {
    const error = ensureError(thrown);
    process.stderr.write(`chargeback: ${error.message}\n`);
    process.exitCode = error instanceof UserError ? 2 : error instanceof DependencyError ? 3 : 1;
  }
}
