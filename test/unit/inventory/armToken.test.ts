import type { TokenCredential } from '@azure/identity';
import { describe, expect, it } from 'vitest';

import { ARM_SCOPE } from '../../../shared/inventory/armClient.js';
import { armTokenSource } from '../../../shared/inventory/armToken.js';

describe('ARM_AUTH', () => {
  it('none sends no token', () => {
    expect(armTokenSource('none')).toBeUndefined();
  });

  it('default builds its credential at the first token request, not before, and asks for the ARM scope', async () => {
    const built: string[][] = [];
    const factory = (): TokenCredential => ({
      getToken: (scopes) => {
        built.push([scopes].flat());
        return Promise.resolve({ token: 'arm-token', expiresOnTimestamp: 0 });
      },
    });
    let constructed = 0;
    const source = armTokenSource('default', () => {
      constructed++;
      return factory();
    });
    expect(constructed).toBe(0);
    expect(await source?.()).toBe('arm-token');
    expect(await source?.()).toBe('arm-token');
    expect(constructed).toBe(1);
    expect(built).toEqual([[ARM_SCOPE], [ARM_SCOPE]]);
    expect(ARM_SCOPE).toBe('https://management.azure.com/.default');
  });
});
