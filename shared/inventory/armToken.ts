import { DefaultAzureCredential, type TokenCredential } from '@azure/identity';

import { lazyCredential } from '../identity/graphClient.js';
import { ARM_SCOPE } from './armClient.js';

/**
 * ARM_AUTH=default: a DefaultAzureCredential built at the first token request, never before (so
 * settings, tests and the demo never probe IMDS). ARM_AUTH=none: no token, for local stand-ins.
 */
export function armTokenSource(
  auth: 'default' | 'none',
  factory: () => TokenCredential = () => new DefaultAzureCredential(),
): (() => Promise<string>) | undefined {
  if (auth === 'none') return undefined;
  const credential = lazyCredential(factory);
  return async () => {
    const token = await credential.getToken(ARM_SCOPE);
    if (token === null) throw new Error(`no ARM token for ${ARM_SCOPE}`);
    return token.token;
  };
}
