import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

import { loadSettings } from '../../../shared/config.js';
import { formatSummary, summarize } from '../../../shared/pipeline/summary.js';

describe('inventory settings', () => {
  it('are off by default, with ARM and an hourly schedule', () => {
    expect(loadSettings({})).toMatchObject({
      INVENTORY_SUBSCRIPTIONS: [],
      ARM_ENDPOINT: 'https://management.azure.com',
      ARM_AUTH: 'default',
      INVENTORY_REFRESH_SCHEDULE: '0 15 * * * *',
    });
  });

  it('read a comma-separated list of GUIDs, lower-cased and once each', () => {
    const settings = loadSettings({
      INVENTORY_SUBSCRIPTIONS:
        ' 6A1F3C2E-8D4B-4E5F-9A7C-0B1D2E3F4A5B, ,6a1f3c2e-8d4b-4e5f-9a7c-0b1d2e3f4a5b,00000000-0000-4000-8000-000000000001',
      ARM_AUTH: 'none',
    });
    expect(settings.INVENTORY_SUBSCRIPTIONS).toEqual([
      '6a1f3c2e-8d4b-4e5f-9a7c-0b1d2e3f4a5b',
      '00000000-0000-4000-8000-000000000001',
    ]);
    expect(settings.ARM_AUTH).toBe('none');
  });

  it('name the bad setting and value', () => {
    expect(() =>
      loadSettings({ INVENTORY_SUBSCRIPTIONS: 'sub-hr', ARM_ENDPOINT: 'http://x', ARM_AUTH: 'msi' }),
    ).toThrow(
      /INVENTORY_SUBSCRIPTIONS: "sub-hr" is not a subscription GUID[\s\S]*ARM_ENDPOINT: must be an https:\/\/ URL[\s\S]*ARM_AUTH/,
    );
  });

  it('are in local.settings.sample.json, so the timer binding %INVENTORY_REFRESH_SCHEDULE% resolves', () => {
    const sample = JSON.parse(
      readFileSync(new URL('../../../local.settings.sample.json', import.meta.url), 'utf8'),
    ) as {
      Values: Record<string, string>;
    };
    expect(sample.Values).toMatchObject({
      INVENTORY_SUBSCRIPTIONS: '',
      INVENTORY_REFRESH_SCHEDULE: '0 15 * * * *',
    });
    expect(loadSettings(sample.Values).INVENTORY_SUBSCRIPTIONS).toEqual([]);
  });
});

describe('the batch summary', () => {
  it('shows deployment conflicts only when there are some', () => {
    expect(formatSummary(summarize([], {}, { deploymentConflicts: 3 }))).toBe(
      'received=0 recorded=0 pending=0 duplicates=0 deadLettered=0 unpriced=0 deploymentConflicts=3',
    );
    expect(formatSummary(summarize([], {}, {}))).toBe(
      'received=0 recorded=0 pending=0 duplicates=0 deadLettered=0 unpriced=0',
    );
  });
});
