import { readFileSync } from 'node:fs';

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';

import { policyExpressions, scanExpression } from './policyExpressionScanner.js';

const ROOT = new URL('../../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8');

type XmlNode = Record<string, unknown>;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', trimValues: false });

/** Every element named `tag`, at any depth, in document order. */
function elements(node: unknown, tag: string): XmlNode[] {
  if (Array.isArray(node)) return node.flatMap((child) => elements(child, tag));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node as XmlNode).flatMap(([key, value]) => {
    const own = key === tag ? (Array.isArray(value) ? value : [value]).map(asNode) : [];
    return [...own, ...elements(value, tag)];
  });
}
const asNode = (value: unknown): XmlNode =>
  typeof value === 'object' && value !== null ? (value as XmlNode) : { '#text': value };
const attr = (node: XmlNode | undefined, name: string): string => {
  const value = node?.[`@_${name}`];
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
};
const text = (node: XmlNode | undefined): string => {
  const value = node?.['#text'];
  return typeof value === 'string' ? value : '';
};

function fragment(name: string): { xml: string; doc: XmlNode } {
  const xml = read(`infra/apim/${name}`);
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the bundled validator, as policies.test.ts
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = parser.parse(xml.slice(xml.indexOf('<fragment>'))) as XmlNode;
  expect(Object.keys(doc)).toEqual(['fragment']);
  return { xml, doc };
}

describe.each(['budget-enforcement.xml', 'token-limits.xml'])('%s', (name) => {
  it("is a well-formed fragment whose expressions use only what APIM allows (Microsoft's allow-list)", () => {
    const { xml } = fragment(name);
    const expressions = policyExpressions(xml);
    expect(expressions.length).toBeGreaterThan(3);
    expect(expressions.flatMap((e) => scanExpression(e).map((p) => `${p} in ${e.slice(0, 60)}…`))).toEqual(
      [],
    );
  });

  it('takes the app id from the validated token, appid else azp, lower-cased', () => {
    const { xml } = fragment(name);
    expect(xml).toContain('context.Variables["jwt"] as Jwt');
    expect(xml).toContain('GetValueOrDefault("appid", "")');
    expect(xml).toContain('GetValueOrDefault("azp", "")');
    expect(xml).toContain('ToLowerInvariant()');
  });
});

describe('budget-enforcement.xml', () => {
  const { xml, doc } = fragment('budget-enforcement.xml');

  it('asks the limits endpoint per app with the function key, and waits 2 s at most without throwing', () => {
    const [send] = elements(doc, 'send-request');
    expect(elements(doc, 'send-request')).toHaveLength(1);
    expect([attr(send, 'timeout'), attr(send, 'ignore-error'), attr(send, 'mode')]).toEqual([
      '2',
      'true',
      'new',
    ]);
    expect(text(elements(send, 'set-url')[0])).toBe(
      '@("{{chargeback-limits-url}}/" + (string)context.Variables["budget-app-id"])',
    );
    expect(text(elements(send, 'set-method')[0])).toBe('GET');
    const header = elements(send, 'set-header')[0];
    expect(attr(header, 'name')).toBe('x-functions-key');
    expect(xml).toContain('<value>{{chargeback-limits-key}}</value>');
  });

  it('caches the verdict per app for LIMITS_CACHE_SECONDS, and a failure for 10 s', () => {
    const key = '@("chargeback-limits-" + (string)context.Variables["budget-app-id"])';
    const lookups = elements(doc, 'cache-lookup-value');
    const stores = elements(doc, 'cache-store-value');
    expect(lookups.map((n) => attr(n, 'key'))).toEqual([key]);
    // cache-store-value may appear once per policy section (Microsoft's reference, usage notes).
    expect(stores.map((n) => attr(n, 'key'))).toEqual([key]);
    expect(attr(stores[0], 'duration')).toBe(
      '@(((string)context.Variables["budget-verdict"]).Contains("\\"state\\":\\"unknown\\"") ? 10 : {{chargeback-limits-cache-seconds}})',
    );
    expect(attr(lookups[0], 'variable-name')).toBe('budget-verdict');
  });

  it('returns 429 with a JSON body naming the budget, only when the verdict says blocked', () => {
    const returns = elements(doc, 'return-response');
    expect(returns).toHaveLength(1);
    const [status] = elements(returns[0], 'set-status');
    expect(attr(status, 'code')).toBe('429');
    expect(xml).toContain('<value>application/json</value>');
    const when = elements(doc, 'when').find(
      (n) => elements(n, 'return-response').length > 0 && elements(n, 'when').length === 0,
    );
    expect(attr(when, 'condition')).toContain('.Value<string>("state") == "blocked"');
    const body = text(elements(returns[0], 'set-body')[0]);
    expect(body).toContain('new JProperty("budget", verdict["budget"])');
    expect(body).toContain('BudgetExhausted');
  });

  it('fails open: a missing, failed or unreadable answer becomes "unknown", traced, and never blocks', () => {
    expect(xml).toContain(
      'response == null || response.StatusCode != 200) { return "{\\"state\\":\\"unknown\\"}"; }',
    );
    expect(xml).toMatch(/catch \(Exception\) \{\s*return "\{\\"state\\":\\"unknown\\"\}";/);
    const [trace] = elements(doc, 'trace');
    expect([attr(trace, 'source'), attr(trace, 'severity')]).toEqual(['budget-enforcement', 'error']);
    expect(text(elements(trace, 'message')[0])).toContain('failing open');
  });
});

describe('token-limits.xml', () => {
  const { xml, doc } = fragment('token-limits.xml');
  const [limit] = elements(doc, 'llm-token-limit');

  it('limits tokens per minute and per month, counted per calling app', () => {
    expect(elements(doc, 'llm-token-limit')).toHaveLength(1);
    expect(attr(limit, 'counter-key')).toContain('"app-" + appId');
    expect(attr(limit, 'token-quota-period')).toBe('Monthly');
    // Required by the policy reference.
    expect(attr(limit, 'estimate-prompt-tokens')).toBe('false');
    expect(attr(limit, 'tokens-per-minute')).toMatch(/^@\{.*int\.Parse/);
    expect(attr(limit, 'token-quota')).toMatch(/^@\{.*long\.Parse/);
  });

  it('reads the per-app values from one named value holding a JSON map with a default', () => {
    expect(xml).toContain("value='{{chargeback-token-limits}}'");
    expect(xml).toContain('map["default"]');
    expect(xml).toContain('map["apps"]');
    expect(xml).toContain('(long?)mine["tokensPerMinute"] ?? (long?)fallback["tokensPerMinute"]');
    expect(xml).toContain('(long?)mine["monthlyTokens"] ?? (long?)fallback["monthlyTokens"]');
  });
});

describe('the Bicep that attaches them', () => {
  const bicep = read('infra/modules/apim.bicep');
  const main = read('infra/main.bicep');

  it('loads both fragments and deploys each only behind its parameter', () => {
    expect(bicep).toContain("loadTextContent('../apim/budget-enforcement.xml')");
    expect(bicep).toContain("loadTextContent('../apim/token-limits.xml')");
    expect(bicep).toMatch(/resource budgetEnforcement '[^']+' = if \(enforceBudgets\)/);
    expect(bicep).toMatch(/resource tokenLimitsFragment '[^']+' = if \(enforceTokenLimits\)/);
    expect(bicep).toContain('param enforceBudgets bool = false');
    expect(bicep).toContain('param tokenLimits object = {}');
  });

  it('includes them in the API policy before the other inbound fragment, after the token is validated', () => {
    expect(bicep).toContain('<include-fragment fragment-id="budget-enforcement" />');
    expect(bicep).toContain('<include-fragment fragment-id="token-limits" />');
    const marker = '<include-fragment fragment-id="stream-include-usage" />';
    // Bicep inserts them before this marker, in either API policy: it must be there once, after validation.
    for (const file of ['load-balancing.xml', 'load-balancing-random.xml']) {
      const policy = read(`infra/apim/${file}`);
      expect(policy.split(marker)).toHaveLength(2);
      expect(policy.indexOf('validate-azure-ad-token')).toBeLessThan(policy.indexOf(marker));
    }
    expect(bicep).toContain(`var streamInclude = '${marker}'`);
  });

  it('creates the named values the fragments use, the key as a secret', () => {
    for (const name of [
      'chargeback-limits-url',
      'chargeback-limits-cache-seconds',
      'chargeback-token-limits',
    ])
      expect(bicep).toContain(`'${name}'`);
    expect(bicep).toMatch(/name: 'chargeback-limits-key'[\s\S]*?secret: true/);
    expect(main).toContain('enforceBudgets: enforceBudgets');
    expect(main).toContain("/api/limits'");
  });
});
