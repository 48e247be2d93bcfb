import { describe, expect, it } from 'vitest';

import { limitsResponse, type Answerer } from '../../../shared/budgets/limitsHttp.js';
import { DependencyError } from '../../../shared/errors.js';

const APP = '7d8a1c3e-2b4f-4e6a-9c1d-0f2e3a4b5c6d';

describe('limits endpoint logic', () => {
  it('refuses a non-GUID before building anything', async () => {
    let built = false;
    const services = () => {
      built = true;
      return Promise.reject(new Error('must not be called'));
    };
    const result = await limitsResponse('../../admin', services, () => undefined);
    expect(result).toMatchObject({ status: 400, jsonBody: { error: 'appId: "../../admin" is not a GUID' } });
    expect(built).toBe(false);
  });

  it('answers 503 and logs when the store is down, so the gateway fails open', async () => {
    const logged: string[] = [];
    const down: Answerer = () => Promise.reject(new DependencyError('cosmos', 'cannot open database'));
    const result = await limitsResponse(APP, down, (m) => logged.push(m));
    expect(result.status).toBe(503);
    expect(result.jsonBody).toEqual({ error: 'the budget store is unavailable; the gateway fails open' });
    expect(logged).toEqual([`limits for ${APP} failed: cosmos: cannot open database`]);
  });

  it('lets a bug through to the host (a 500, which the gateway fails open on too)', async () => {
    const broken: Answerer = () => Promise.reject(new TypeError('undefined is not a function'));
    await expect(limitsResponse(APP, broken, () => undefined)).rejects.toThrow(TypeError);
  });
});
