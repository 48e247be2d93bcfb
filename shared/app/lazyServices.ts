import { loadSettings } from '../config.js';
import { createServices, type ServiceOptions, type Services } from './services.js';

let shared: Promise<Services> | undefined;

/**
 * The functions' composition root: settings are parsed and clients built once per worker, on first
 * use. A failed start is not cached, so the next invocation retries it rather than failing forever.
 */
export function sharedServices(options: ServiceOptions = {}): Promise<Services> {
  // Not an invocation's context.warn: these services outlive the invocation that built them.
  const log =
    options.log ??
    ((message: string) => {
      console.warn(message);
    });
  shared ??= createServices(loadSettings(), { ...options, log }).catch((error: unknown) => {
    shared = undefined;
    throw error;
  });
  return shared;
}
