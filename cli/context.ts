import { readFileSync } from 'node:fs';

import { createServices, type Services } from '../shared/app/services.js';
import { loadSettings } from '../shared/config.js';
import { asInfrastructureFailure } from './infrastructureFailure.js';
import { cliEnvironment } from './settingsFromFile.js';

export interface CommandNeeds {
  /**
   * Only `ingest` and `prices refresh` create the database and containers. Every other command
   * opens what exists, so a misspelt COSMOS_DATABASE fails instead of reporting an empty new one.
   */
  readonly create?: boolean;
}

/** Builds the services for one CLI command and closes them afterwards. */
export async function withServices<T>(
  work: (services: Services) => Promise<T>,
  needs: CommandNeeds = {},
): Promise<T> {
  const env = cliEnvironment();
  const settings = loadSettings(env);
  // CHARGEBACK_TRUSTED_CA_FILE trusts a local stand-in's certificate for this process only
  // (NODE_EXTRA_CA_CERTS works too, for every Node process).
  const caFile = env.CHARGEBACK_TRUSTED_CA_FILE;
  const trustedCa = caFile === undefined || caFile === '' ? undefined : readFileSync(caFile, 'utf8');
  let services: Services;
  try {
    services = await createServices(settings, {
      ...(trustedCa === undefined ? {} : { trustedCa }),
      databaseMode: needs.create === true ? 'create' : 'existing',
      requestTimeoutMs: settings.CHARGEBACK_REQUEST_TIMEOUT_MS,
      log: (m) => {
        process.stderr.write(`${m}\n`);
      },
    });
  } catch (error) {
    throw asInfrastructureFailure(error, settings);
  }
  try {
    return await work(services);
  } catch (error) {
    throw asInfrastructureFailure(error, settings);
  } finally {
    await services.close();
  }
}
