import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { registerDeployments } from '../../cli/commands/deployments.js';
import { startArmStandIn, type ArmStandIn } from '../../local/armStandIn.js';
import { startLocalStack, type LocalStack } from '../../local/stack.js';
import { runCommands } from '../helpers/cliInProcess.js';

const SUB = '3c2b1a09-8f7e-4d6c-9b5a-4f3e2d1c0b9a';
let stack: LocalStack;
let arm: ArmStandIn;
let dir: string;
const savedEnv = { ...process.env };

/** Runs `chargeback deployments <args>` in-process, as cli/main.ts would. */
const cli = (...args: string[]) => runCommands([registerDeployments], ['deployments', ...args]);

beforeAll(async () => {
  [stack, arm] = await Promise.all([
    startLocalStack({ database: 'deployments-cli' }),
    startArmStandIn({
      accounts: [
        {
          subscriptionId: SUB,
          resourceGroup: 'rg',
          name: 'aoai-prod',
          kind: 'OpenAI',
          location: 'swedencentral',
          deployments: [
            {
              name: 'chat',
              sku: 'DataZoneStandard',
              capacity: 40,
              model: { format: 'OpenAI', name: 'gpt-4o', version: '2024-11-20' },
            },
            {
              name: 'ptu',
              sku: 'ProvisionedManaged',
              capacity: 100,
              model: { format: 'OpenAI', name: 'gpt-4o', version: '2024-08-06' },
            },
          ],
        },
      ],
    }),
  ]);
  dir = mkdtempSync(path.join(tmpdir(), 'deployments-cli-'));
  const ca = path.join(dir, 'ca.pem');
  writeFileSync(ca, stack.trustedCa);
  Object.assign(process.env, stack.env, {
    CHARGEBACK_TRUSTED_CA_FILE: ca,
    ARM_ENDPOINT: arm.url,
    ARM_AUTH: 'none',
  });
});

afterAll(async () => {
  process.env = savedEnv;
  rmSync(dir, { recursive: true, force: true });
  await Promise.all([stack.stop(), arm.close()]);
});

describe('chargeback deployments', () => {
  it('says the inventory is off while INVENTORY_SUBSCRIPTIONS is empty, and asks ARM nothing', async () => {
    process.env.INVENTORY_SUBSCRIPTIONS = '';
    expect(await cli('refresh')).toEqual({
      code: 0,
      out: 'INVENTORY_SUBSCRIPTIONS is empty: the deployment inventory is off\n',
    });
    expect(arm.requests).toHaveLength(0);
  });

  it('refreshes from ARM and lists what it learnt as a table and as JSON', async () => {
    process.env.INVENTORY_SUBSCRIPTIONS = SUB.toUpperCase();
    const refresh = await cli('refresh');
    expect(refresh).toEqual({
      code: 0,
      out: `subscription ${SUB}: 1 accounts, 2 deployments, 2 new or changed, 2 requests\n`,
    });
    const table = await cli('list');
    expect(table.out).toMatch(
      /aoai-prod\s*│\s*chat\s*│\s*gpt-4o\s*│\s*2024-11-20\s*│\s*DataZoneStandard\s*│\s*40\s*│\s*swedencentral\s*│\s*first seen/,
    );
    const json = JSON.parse((await cli('list', '--format', 'json')).out) as {
      deployment: string;
      sku: string;
      resourceId: string;
    }[];
    expect(json.map((r) => [r.deployment, r.sku])).toEqual([
      ['chat', 'DataZoneStandard'],
      ['ptu', 'ProvisionedManaged'],
    ]);
    expect(json[0]?.resourceId).toBe(
      `/subscriptions/${SUB}/resourcegroups/rg/providers/microsoft.cognitiveservices/accounts/aoai-prod`,
    );
  });

  it('exits 4 and keeps the inventory when ARM refuses', async () => {
    arm.failPath(`/subscriptions/${SUB}`, 403);
    try {
      const result = await cli('refresh');
      expect(result.code).toBe(4);
      expect(result.out).toContain('FAILED, last good inventory kept: arm: ');
      expect(result.out).toContain('lacks the role Reader');
    } finally {
      arm.failPath(`/subscriptions/${SUB}`, undefined);
    }
    expect((await cli('list')).out).toContain('last refresh failed');
  });
});
