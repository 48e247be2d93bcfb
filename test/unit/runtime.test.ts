import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { loadSettings } from '../../shared/config.js';
import { UserError } from '../../shared/errors.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

function sampleValues(): Record<string, string> {
  const parsed = JSON.parse(readFileSync(path.join(repoRoot, 'local.settings.sample.json'), 'utf8')) as {
    Values: Record<string, unknown>;
  };
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(parsed.Values)) {
    if (typeof value !== 'string')
      throw new Error(`${name}: Functions settings are strings, got ${typeof value}`);
    values[name] = value;
  }
  return values;
}

function settingsError(env: Record<string, string>): string {
  try {
    loadSettings(env);
  } catch (error) {
    expect(error).toBeInstanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected loadSettings to throw');
}

describe('runtime', () => {
  it('runs on Node 22 or later, as package.json engines and the Functions host require', () => {
    const major = Number(process.versions.node.split('.')[0]);
    expect(major).toBeGreaterThanOrEqual(22);
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {
      engines: { node: string };
    };
    expect(pkg.engines.node).toBe('>=22');
  });
});

describe('settings', () => {
  it("accepts local.settings.sample.json's Values exactly as shipped (blank PRICE_OVERRIDES = none)", () => {
    const settings = loadSettings(sampleValues());
    expect(settings).toMatchObject({
      COSMOS_ENDPOINT: 'https://127.0.0.1:8081/',
      COSMOS_DATABASE: 'chargeback',
      GRAPH_AUTH: 'none', // the sample points at `npm run local`'s Graph stand-in
      PRICE_CURRENCY: 'USD',
      PRICE_REGION: 'eastus',
      DEFAULT_DEPLOYMENT_TYPE: 'global',
      DEPLOYMENTS: { 'gpt-35-turbo': { version: '0125', deploymentType: 'regional' } },
      PRICE_REFRESH_SCHEDULE: '0 0 2 * * *',
    });
    expect(settings.PRICE_OVERRIDES).toBeUndefined();
  });

  it('fills the documented defaults when nothing is set', () => {
    expect(loadSettings({})).toMatchObject({
      USAGE_EVENTHUB_NAME: 'aoai-usage',
      USAGE_CONSUMER_GROUP: '$Default',
      COSMOS_DATABASE: 'chargeback',
      GRAPH_BASE_URL: 'https://graph.microsoft.com',
      GRAPH_AUTH: 'default',
      RETAIL_PRICES_URL: 'https://prices.azure.com/api/retail/prices',
      PRICE_CURRENCY: 'USD',
      PRICE_REGION: 'eastus',
      DEFAULT_DEPLOYMENT_TYPE: 'global',
      DEPLOYMENTS: {},
      BUSINESS_UNIT_TAG_PREFIX: 'businessUnit:',
    });
  });

  it('reports every bad setting in ONE error, each named with its problem', () => {
    const message = settingsError({
      ...sampleValues(),
      PRICE_CURRENCY: 'usd',
      GRAPH_AUTH: 'maybe',
      DEPLOYMENTS: '{bad',
      COSMOS_ENDPOINT: 'http://127.0.0.1:8081/',
    });
    expect(message).toMatch(/^Invalid settings:/);
    expect(message).toMatch(/PRICE_CURRENCY: must be an ISO 4217 code/);
    expect(message).toMatch(/GRAPH_AUTH: .*"default".*"none"/);
    expect(message).toMatch(/DEPLOYMENTS: is not valid JSON/);
    expect(message).toMatch(/COSMOS_ENDPOINT: must be an https:\/\/ URL/);
    // Only the bad ones: nothing else from the sample is blamed.
    expect(message.split('\n').slice(1)).toHaveLength(4);
  });

  it('names the entry and key inside a bad DEPLOYMENTS map', () => {
    const message = settingsError({
      DEPLOYMENTS: '{"gpt4o-prod":{"version":"2024-08-06","deploymentType":"ptu","colour":"blue"}}',
    });
    expect(message).toContain('DEPLOYMENTS.gpt4o-prod.version: must be a four-digit MMDD version');
    expect(message).toContain('DEPLOYMENTS.gpt4o-prod.deploymentType');
    expect(message).toMatch(/DEPLOYMENTS\.gpt4o-prod.*colour/);
  });

  it('reads PRICE_OVERRIDES from a path, and names it when the path is missing', () => {
    expect(settingsError({ PRICE_OVERRIDES: path.join(repoRoot, 'no-such-overrides.json') })).toMatch(
      /PRICE_OVERRIDES: is neither JSON nor a readable file path/,
    );
    expect(loadSettings({ PRICE_OVERRIDES: '{"discountPercent":12.5}' }).PRICE_OVERRIDES).toEqual({
      discountPercent: 12.5,
    });
  });
});
