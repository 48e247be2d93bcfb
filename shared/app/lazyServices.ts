import { loadSettings } from '../config.js';
import { createServices, type ServiceOptions, type Services } from './services.js';

let shared: Promise<Services> | undefined;

/**
 * The functions' composition root: settings are parsed and clients built once per worker, on first
 * use. A failed start is not cached, so the next invocation retries it rather than failing forever.
 */
export function sharedServices(options: ServiceOptions = {}): Promise<Services> {
  shared ??= createServices(loadSettings(), options).catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}
