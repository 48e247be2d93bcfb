import { readdirSync, readFileSync } from 'node:fs';

import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';

import { v2EventSchema } from '../../../shared/events/v2Schema.js';
import { policyExpressions, scanExpression } from './policyExpressionScanner.js';

const ROOT = new URL('../../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8');
const POLICY_FILES = readdirSync(new URL('infra/apim/', ROOT)).filter((name) => name.endsWith('.xml'));

type XmlNode = Record<string, unknown>;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@_', trimValues: false });

/** Every element named `tag`, at any depth. */
function elements(node: unknown, tag: string): XmlNode[] {
  if (Array.isArray(node)) return node.flatMap((child) => elements(child, tag));
  if (typeof node !== 'object' || node === null) return [];
  return Object.entries(node as XmlNode).flatMap(([key, value]) => {
    // An element with only text parses to a plain string; keep it as a node all the same.
    const own = key === tag ? (Array.isArray(value) ? value : [value]).map(asNode) : [];
    return [...own, ...elements(value, tag)];
  });
}

/** True, or the validator's error (which names the line), so a failure says where. */
function wellFormed(text: string): unknown {
  // fast-xml-parser 5 marks XMLValidator deprecated in favour of the separate fast-xml-validator
  // package, which is not a dependency; the bundled one still validates the same way.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  return XMLValidator.validate(text);
}

function asNode(value: unknown): XmlNode {
  return typeof value === 'object' && value !== null ? (value as XmlNode) : { '#text': value };
}

function policy(name: string): { text: string; doc: XmlNode } {
  const text = read(`infra/apim/${name}`);
  return { text, doc: parser.parse(text) as XmlNode };
}

const attr = (node: XmlNode | undefined, name: string): string => {
  const value = node?.[`@_${name}`];
  return typeof value === 'string' ? value : '';
};

describe('APIM policies', () => {
  it('has the six policy files', () => {
    expect(POLICY_FILES.sort()).toEqual([
      'budget-enforcement.xml',
      'chargeback-logging.xml',
      'load-balancing-random.xml',
      'load-balancing.xml',
      'stream-include-usage.xml',
      'token-limits.xml',
    ]);
  });

  it.each(POLICY_FILES)('%s is well-formed XML and never pins a partition', (name) => {
    const { text, doc } = policy(name);
    expect(wellFormed(text)).toBe(true);
    expect(elements(doc, 'log-to-eventhub').every((node) => attr(node, 'partition-id') === '')).toBe(true);
    // The seed's culture-dependent time.
    expect(text).not.toMatch(/UtcNow\.ToString\(\)/);
  });

  it.each(POLICY_FILES)('%s is still one whole document once Bicep cuts the leading comment', (name) => {
    // apim.bicep deploys substring(text, indexOf(text, '<root>')); the root's first mention must be the root.
    const root = name.startsWith('load-balancing') ? 'policies' : 'fragment';
    const { text } = policy(name);
    const deployed = text.slice(text.indexOf(`<${root}>`));
    expect(wellFormed(deployed)).toBe(true);
    expect(Object.keys(parser.parse(deployed) as XmlNode)).toEqual([root]);
  });

  describe("expressions use only what APIM allows (apimAllowList.ts, from Microsoft's policy-expressions page)", () => {
    it.each(POLICY_FILES)('%s: every @(…) and @{…} names allowed types and members only', (name) => {
      const expressions = policyExpressions(read(`infra/apim/${name}`));
      expect(expressions.length).toBeGreaterThan(0);
      const problems = expressions.flatMap((expression) =>
        scanExpression(expression).map((problem) => `${problem} in ${expression.slice(0, 60)}…`),
      );
      expect(problems).toEqual([]);
    });

    it('the scanner catches what APIM would reject and passes what it accepts', () => {
      expect(scanExpression('@(e.GetType().Name)')).toEqual([
        'GetType(): its result System.Type is not an allowed type',
      ]);
      expect(scanExpression('@(typeof(string).Name)')).toEqual([
        'typeof: System.Type is not an allowed type',
      ]);
      expect(scanExpression('@(new System.Net.Http.HttpClient())')).toHaveLength(1);
      expect(scanExpression('@(Environment.MachineName)')).toEqual(['Environment is not an allowed type']);
      expect(scanExpression('@(DateTime.FromBinary(1))')).toEqual([
        'System.DateTime.FromBinary is not an allowed member',
      ]);
      expect(scanExpression('@(Regex.Escape("a"))')).toHaveLength(1);
      expect(
        scanExpression('@{ var m = Regex.Match("a", "b"); return m.NextMatch().Success; }'),
      ).toHaveLength(1);
      expect(scanExpression('@(context.Request.Url.Bogus)')).toHaveLength(1);
      expect(
        scanExpression('@{ var jwt = context.Variables["jwt"] as Jwt; return jwt.Secret; }'),
      ).toHaveLength(1);
      // A local cast with `as` to an allowed type may use its members.
      expect(scanExpression('@{ var a = context.Variables["x"] as JArray; return a.Count; }')).toEqual([]);
      // The page's own examples pass.
      expect(scanExpression('@((1+1).ToString())')).toEqual([]);
      expect(
        scanExpression(
          '@(Regex.Match(context.Response.Headers.GetValueOrDefault("Cache-Control",""), @"max-age=(?<maxAge>\\d+)").Groups["maxAge"]?.Value)',
        ),
      ).toEqual([]);
      expect(
        scanExpression(
          '@(context.Variables.ContainsKey("maxAge") ? int.Parse((string)context.Variables["maxAge"]) : 3600)',
        ),
      ).toEqual([]);
      expect(
        scanExpression(
          '@{ string[] value; if (context.Request.Headers.TryGetValue("Authorization", out value)) { return Encoding.UTF8.GetString(Convert.FromBase64String(value[0])); } return null; }',
        ),
      ).toEqual([]);
    });
  });

  describe('chargeback-logging.xml', () => {
    const { text, doc } = policy('chargeback-logging.xml');
    const log = elements(doc, 'log-to-eventhub')[0];

    it('is a fragment that logs to the chargeback logger, keyed by app', () => {
      expect(Object.keys(doc)).toContain('fragment');
      expect(elements(doc, 'log-to-eventhub')).toHaveLength(1);
      expect(attr(log, 'logger-id')).toBe('chargeback-eventhub');
      expect(attr(log, 'partition-key')).toContain('chargeback-app-id');
    });

    it('logs only successful responses that carry usage, without throwing', () => {
      expect(text).toContain('StatusCode / 100 != 2');
      expect(text).toContain('preserveContent: true');
      expect(text).toContain('text/event-stream');
      expect(text).toMatch(/catch \(Exception\)/);
      const when = elements(doc, 'when')[0];
      expect(attr(when, 'condition')).toContain('chargeback-usage');
      expect(elements(when, 'log-to-eventhub')).toHaveLength(1);
    });

    it('takes identity from the validated token: appid, else azp, and tid', () => {
      expect(text).toContain('context.Variables["jwt"] as Jwt');
      expect(text).toContain('GetValueOrDefault("appid", "")');
      expect(text).toContain('GetValueOrDefault("azp", "")');
      expect(text).toContain('GetValueOrDefault("tid", "")');
    });

    it('writes an ISO UTC time, the request id and the usage verbatim', () => {
      expect(text).toContain('DateTime.UtcNow.ToString("o")');
      expect(text).toContain('evt["requestId"] = context.RequestId.ToString()');
      expect(text).toContain('evt["usage"] = found["usage"]');
    });

    it('documents its output in samples/v2-event-from-policy.json, which the v2 schema accepts', () => {
      const sample = JSON.parse(read('samples/v2-event-from-policy.json')) as Record<string, unknown>;
      const written = [...text.matchAll(/evt\["(\w+)"\]\s*=/g)].map((m) => m[1]);
      expect(Object.keys(sample)).toEqual(written);
      const result = v2EventSchema.safeParse(sample);
      expect(result.error?.issues ?? []).toEqual([]);
      expect(sample.eventTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
      expect(sample.schema).toBe('aoai-usage/2');
    });
  });

  describe('calls that return no usage: DALL-E and text-to-speech', () => {
    const inbound = policy('stream-include-usage.xml').text;
    const outbound = policy('chargeback-logging.xml').text;

    it('the inbound fragment keeps the request facts, never the prompt or the input text', () => {
      expect(inbound).toContain('name="chargeback-request-facts"');
      expect(inbound).toContain('EndsWith("/images/generations", StringComparison.OrdinalIgnoreCase)');
      expect(inbound).toContain('EndsWith("/audio/speech", StringComparison.OrdinalIgnoreCase)');
      const written = [...inbound.matchAll(/facts\["(\w+)"\]\s*=\s*([^;]+);/g)].map((m) => [m[1], m[2]]);
      expect(written).toEqual([
        ['inputCharacters', '((string)input).Length'],
        ['n', 'body["n"]'],
        ['size', 'body["size"]'],
        ['quality', 'body["quality"]'],
      ]);
      // Exactly those: the facts hold the input's length, never the input itself.
    });

    it('the outbound fragment logs them, with the images returned or the bytes sent, in place of usage', () => {
      expect(outbound).toContain('requested["returned"] = images.Count;');
      expect(outbound).toContain(
        'speech["outputBytes"] = response.Body.As&lt;byte[]&gt;(preserveContent: true).Length;',
      );
      expect(outbound).toContain('foreach (var fact in new[] { "images", "speech" })');
      expect(outbound).toContain('evt.Remove("usage")');
    });

    it.each(['samples/v2-event-images-from-policy.json', 'samples/v2-event-speech-from-policy.json'])(
      'documents the event in %s, which the v2 schema accepts',
      (file) => {
        const sample = JSON.parse(read(file)) as Record<string, unknown>;
        const usual = JSON.parse(read('samples/v2-event-from-policy.json')) as Record<string, unknown>;
        const keys = Object.keys(sample);
        // The usual event's keys (no usage, no modelTimeMs, subscriptionId, productId), plus the facts.
        expect(keys.filter((k) => k !== 'images' && k !== 'speech').every((k) => k in usual)).toBe(true);
        expect(keys.filter((k) => k === 'images' || k === 'speech')).toHaveLength(1);
        expect(v2EventSchema.safeParse(sample).error?.issues ?? []).toEqual([]);
      },
    );
  });

  describe('stream-include-usage.xml', () => {
    const { text, doc } = policy('stream-include-usage.xml');

    /**
     * The policy's decision, evaluated. The C# expression must have exactly this shape (whitespace aside);
     * its three literals (the v1 marker, the version pattern, the first accepting date) are taken from the
     * XML and run here, so the table below exercises the deployed values. What this does not prove: that
     * APIM's C# gives the same answer as this JavaScript mirror. The pattern is plain ASCII classes and
     * CompareOrdinal on ASCII digits orders as JavaScript's < does, so the mirror is exact for them.
     */
    const SHAPE =
      '@{ var paths = context.Request.OriginalUrl.Path + " " + context.Request.Url.Path; ' +
      'if (paths.IndexOf(«», StringComparison.OrdinalIgnoreCase) >= 0) { return true; } ' +
      'var version = context.Request.Url.Query.GetValueOrDefault("api-version", ""); ' +
      'var match = Regex.Match(version, «»); ' +
      'return match.Success && string.CompareOrdinal(match.Groups[1].Value, «») >= 0; }';
    const decision = elements(doc, 'set-variable').find(
      (node) => attr(node, 'name') === 'chargeback-stream-options-accepted',
    );
    const expression = attr(decision, 'value').replace(/\s+/g, ' ').trim();
    const shape = new RegExp(
      `^${SHAPE.split('«»')
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('"([^"]*)"')}$`,
    );
    const [, v1Marker = '', pattern = '', firstDate = ''] = shape.exec(expression) ?? [];
    const accepts = (path: string, apiVersion: string): boolean => {
      if (path.toLowerCase().includes(v1Marker.toLowerCase())) return true;
      const match = new RegExp(pattern).exec(apiVersion);
      return match !== null && (match[1] ?? '') >= firstDate;
    };

    it('decides in one expression of the expected shape', () => {
      expect(expression).toMatch(shape);
      expect([v1Marker, pattern, firstDate]).toEqual([
        '/openai/v1/',
        '^([0-9]{4}-[0-9]{2}-[0-9]{2})(-preview)?$',
        '2024-09-01',
      ]);
      // The body rewrite asks that decision first.
      expect(text).toMatch(
        /name="chargeback-stream-body" value='@\{\s*if \(!\(bool\)context\.Variables\["chargeback-stream-options-accepted"\]\) \{ return ""; \}/,
      );
    });

    const deployments = '/openai/deployments/gpt4o/chat/completions';
    it.each([
      ['2024-02-01', false],
      ['2024-06-01', false],
      ['2024-08-01-preview', false],
      ['2023-12-01-preview', false],
      ['2024-09-01-preview', true],
      ['2024-09-01', true],
      ['2024-10-21', true],
      ['2025-04-01-preview', true],
      ['2024-10-21-beta', false],
      ['2024-9-01', false],
      ['', false],
    ])('api-version %j on a deployments route: inject = %s', (apiVersion, expected) => {
      expect(accepts(deployments, apiVersion)).toBe(expected);
    });

    it.each(['preview', 'latest', '', '2024-06-01'])(
      'the /openai/v1/ route always accepts it (api-version %j)',
      (v) => {
        expect(accepts('/openai/v1/chat/completions /openai/v1/chat/completions', v)).toBe(true);
        expect(accepts('/OpenAI/V1/chat/completions', v)).toBe(true);
      },
    );

    it('sets stream_options.include_usage on streaming chat-completions requests only', () => {
      expect(Object.keys(doc)).toContain('fragment');
      expect(attr(elements(doc, 'when')[0], 'condition')).toContain('/chat/completions');
      expect(elements(doc, 'set-body')).toHaveLength(1);
      expect(text).toContain('options["include_usage"] = true');
      expect(text).toContain('body["stream_options"] = options');
      expect(text).toContain('(bool)body["stream"]');
      expect(text).toMatch(/catch \(Exception\)/);
    });
  });

  describe('load balancing', () => {
    it('load-balancing.xml routes to the pool, retries throttling, and includes both fragments', () => {
      const { doc } = policy('load-balancing.xml');
      expect(attr(elements(doc, 'set-backend-service')[0], 'backend-id')).toBe('aoai-pool');
      expect(attr(elements(doc, 'retry')[0], 'condition')).toContain('429');
      expect(attr(elements(doc, 'forward-request')[0], 'buffer-request-body')).toBe('true');
      expect(attr(elements(doc, 'validate-azure-ad-token')[0], 'output-token-variable-name')).toBe('jwt');
      expect(elements(doc, 'include-fragment').map((node) => attr(node, 'fragment-id'))).toEqual([
        'stream-include-usage',
        'chargeback-logging',
      ]);
    });

    it.each(['load-balancing.xml', 'load-balancing-random.xml'])(
      '%s removes Accept-Encoding inbound, so the outbound logging reads an uncompressed body',
      (name) => {
        const { doc } = policy(name);
        const inbound = elements(doc, 'inbound')[0];
        const removed = elements(inbound, 'set-header').filter(
          (node) => attr(node, 'name').toLowerCase() === 'accept-encoding',
        );
        expect(removed.map((node) => attr(node, 'exists-action'))).toEqual(['delete']);
        expect(elements(elements(doc, 'outbound')[0], 'set-header')).toEqual([]);
        expect(read('docs/gateway.md')).toContain(
          '<set-header name="Accept-Encoding" exists-action="delete" />',
        );
      },
    );

    it('load-balancing-random.xml is the seed pattern: a random single backend per try', () => {
      const { doc } = policy('load-balancing-random.xml');
      expect(attr(elements(doc, 'set-backend-service')[0], 'backend-id')).toContain('new Random().Next(');
      expect(attr(elements(doc, 'validate-azure-ad-token')[0], 'output-token-variable-name')).toBe('jwt');
    });
  });

  describe('the Bicep that deploys them', () => {
    const bicep = read('infra/modules/apim.bicep');

    it('gives backends circuit breakers, so infra/README.md rules out the Consumption tier and names the tiers that work', () => {
      expect(bicep).toContain('circuitBreaker');
      const readme = read('infra/README.md');
      expect(readme).toMatch(/\*\*Not Consumption\*\*/);
      for (const tier of [
        'Developer',
        'Basic',
        'Standard',
        'Premium',
        'Basic v2',
        'Standard v2',
        'Premium v2',
      ]) {
        expect(readme).toContain(tier);
      }
    });

    it('loads every policy file that exists, and names the logger the fragment uses', () => {
      for (const [, file] of bicep.matchAll(/loadTextContent\('\.\.\/apim\/([\w.-]+)'\)/g)) {
        expect(POLICY_FILES).toContain(file);
      }
      expect(bicep).toContain("'chargeback-eventhub'");
      expect(bicep).toContain("'chargeback-logging'");
      expect(bicep).toContain("'stream-include-usage'");
      expect(bicep).toContain("'aoai-pool'");
    });
  });
});
