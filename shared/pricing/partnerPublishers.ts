// Other publishers' Foundry Models products (docs/unparsed-meters.md) and how their names name a model.
// The publisher comes from the product name; its meters often leave the publisher out of the model
// (`R1 Inp glbl` in `Azure Deepseek Models` is DeepSeek-R1, `4.3 Inp Glbl` in `Azure Grok Models` is
// grok-4.3), so a family is prefixed with the publisher's line unless the meter already names one.
// Every family therefore starts with its publisher's own words: one publisher's model never meets
// another's meter, nor an Azure OpenAI one (whose families start with gpt, o1…, text-embedding…).

export interface Publisher {
  /** As written in reasons and docs. */
  readonly name: string;
  /**
   * The word its productName contains, case as in the catalog: the Retail Prices `$filter` compares
   * case-sensitively (`Azure Deepseek Models`, not DeepSeek).
   */
  readonly productWord: string;
  /** Put in front of a meter's words that do not start with one of `lines`. */
  readonly prefix: string;
  /** First words that already name one of the publisher's model lines. */
  readonly lines: ReadonlySet<string>;
  /** The words the tokenizer splits the publisher's name into: `DeepSeek-R1` is `deep seek r1`. */
  readonly splitName?: readonly string[];
  /** Meter spellings of model words (`mnstrl` → `ministral`). */
  readonly spellings?: ReadonlyMap<string, string>;
  /**
   * Words of a logged model name that no meter carries and that name no other model of the publisher
   * on Azure: `Llama-3.3-70B-Instruct` is metered as `Llama 3.3 70B`.
   */
  readonly modelQualifiers?: RegExp;
}

export const PARTNER_PUBLISHERS: readonly Publisher[] = [
  // `MAI-DS-R1` is Microsoft's post-trained R1, sold under the DeepSeek product and logged by that name.
  {
    name: 'DeepSeek',
    productWord: 'Deepseek',
    prefix: 'deepseek',
    lines: new Set(['deepseek', 'mai']),
    splitName: ['deep', 'seek'],
  },
  {
    name: 'Meta',
    productWord: 'Llama',
    prefix: 'llama',
    lines: new Set(['llama']),
    // `-Instruct`, `-FP8` and the expert count (`128E`) of Llama-4-Maverick-17B-128E-Instruct-FP8.
    modelQualifiers: /^(instruct|fp8|\d+e)$/,
  },
  {
    name: 'Mistral AI',
    productWord: 'Mistral',
    prefix: 'mistral',
    lines: new Set(['mistral', 'codestral', 'ministral', 'pixtral', 'magistral', 'devstral']),
    spellings: new Map([['mnstrl', 'ministral']]),
  },
  {
    name: 'Microsoft Phi',
    productWord: 'Phi',
    prefix: 'phi',
    lines: new Set(['phi']),
    modelQualifiers: /^instruct$/,
  },
  { name: 'xAI', productWord: 'Grok', prefix: 'grok', lines: new Set(['grok']) },
  { name: 'Moonshot AI', productWord: 'Kimi', prefix: 'kimi', lines: new Set(['kimi']) },
  { name: 'Cohere', productWord: 'Cohere', prefix: 'cohere', lines: new Set(['cohere']) },
  { name: 'Qwen', productWord: 'Qwen', prefix: 'qwen', lines: new Set(['qwen']) },
];

/** Whole words only: `Phi` must not match inside another product's name. */
const PRODUCT_PATTERNS: readonly (readonly [RegExp, Publisher])[] = PARTNER_PUBLISHERS.map((publisher) => [
  new RegExp(`\\b${publisher.productWord}\\b`, 'i'),
  publisher,
]);

/**
 * The publisher whose product this is, or undefined (Azure OpenAI's own products, and the partners we
 * do not price: Fireworks hosts other publishers' models under their names, MAI and BFL sell images).
 */
export function publisherOfProduct(productName: string): Publisher | undefined {
  return PRODUCT_PATTERNS.find(([pattern]) => pattern.test(productName))?.[1];
}

/**
 * A logged model's words as its publisher's meters would spell them: `meta-llama-3.1-405b-instruct` →
 * `llama 3.1 405b`. Words of Azure OpenAI models and unknown publishers are returned unchanged.
 */
export function partnerModelWords(split: readonly string[]): readonly string[] {
  const words = joinSplitName(split);
  const start = words[0] === 'meta' && words[1] === 'llama' ? 1 : 0;
  const publisher = PARTNER_PUBLISHERS.find((candidate) => candidate.lines.has(words[start] ?? ''));
  if (publisher === undefined) return words;
  const qualifiers = publisher.modelQualifiers;
  const kept = words.slice(start);
  return qualifiers === undefined ? kept : kept.filter((word, i) => i === 0 || !qualifiers.test(word));
}

function joinSplitName(words: readonly string[]): readonly string[] {
  for (const { splitName, prefix } of PARTNER_PUBLISHERS) {
    if (splitName !== undefined && splitName.every((word, i) => words[i] === word))
      return [prefix, ...words.slice(splitName.length)];
  }
  return words;
}

/** A partner meter's model words, in front of its markers, as the words of the model it prices. */
export function partnerModelWordsOfMeter(publisher: Publisher, words: readonly string[]): string[] {
  const spelled = words.map((word) => publisher.spellings?.get(word) ?? word);
  return publisher.lines.has(spelled[0] ?? '') ? spelled : [publisher.prefix, ...spelled];
}
