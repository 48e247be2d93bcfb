import type { Command } from 'commander';

import { UserError } from '../../shared/errors.js';
import { isGuid } from '../../shared/events/guid.js';
import { withServices } from '../context.js';

export function registerApps(program: Command): void {
  const apps = program.command('apps').description('calling applications');
  apps
    .command('set-unit')
    .description("set a finance-owned business unit for an app (beats the service principal's tag)")
    .argument('<appId>', 'the application (client) id, a GUID')
    .argument('<unit>', 'business unit name')
    .action(async (appId: string, unit: string) => {
      if (!isGuid(appId)) throw new UserError(`appId: "${appId}" is not a GUID`);
      const name = unit.trim();
      if (name === '' || name.length > 128) throw new UserError('unit: must be 1-128 characters');
      await withServices(async (services) => {
        await services.apps.setBusinessUnit(appId.toLowerCase(), name, new Date());
        process.stdout.write(`${appId.toLowerCase()} → ${name}\n`);
      });
    });
}
