import path from 'node:path';

import type { LocalPorts } from './stack.js';

/**
 * `npm run local`'s fixed ports, the ones `local.settings.sample.json` names: Cosmos on the
 * emulator's 8081, Azurite's blob service on its own 10000 (so `UseDevelopmentStorage=true`
 * reaches it), Graph on 8082, Retail Prices on 8083 and the ARM stand-in on 8084.
 */
export const DEFAULT_PORTS: LocalPorts = { cosmos: 8081, graph: 8082, retail: 8083, blob: 10000, arm: 8084 };

/** Where `npm run local` writes the stand-ins' certificate, relative to the folder it runs in. */
export const DEFAULT_CERT_FILE = path.join('.local', 'stand-in-cert.pem');
