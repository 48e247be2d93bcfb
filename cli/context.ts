import { readFileSync } from 'node:fs';

import { createServices, type Services } from '../shared/app/services.js';
import { loadSettings } from '../shared/config.js';
import { cliEnvironment } from './settingsFromFile.js';

/** Builds the services for one CLI command and closes them afterwards. */
export async function withServices<T>(work: (services: Services) => Promise<T>): Promise<T> {
  const env = cliEnvironment();
  const settings = loadSettings(env);
  // CHARGEBACK_TRUSTED_CA_FILE trusts a local stand-in's certificate for this process only
  // (NODE_EXTRA_CA_CERTS works too, for every Node process).
  const caFile = env.CHARGEBACK_TRUSTED_CA_FILE;
  const trustedCa = caFile === undefined || caFile === '' ? undefined : readFileSync(caFile, 'utf8');
  const services = await createServices(settings, {
    ...(trustedCa === undefined ? {} : { trustedCa }),
    log: (m) => {
      process.stderr.write(`${m}\n`);
    },
  });
  try {
    return await work(services);
  } finally {
    await services.close();
  }
}
