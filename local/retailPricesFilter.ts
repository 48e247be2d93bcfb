/**
 * The subset of OData `$filter` the Retail Prices API accepts and our client sends: `eq`/`ne` on string,
 * boolean and number fields, `contains`/`startswith`/`endswith(field, 'text')`, `and`, `or`, `not` and
 * parentheses. Evaluating it for real is what lets a wrong filter answer 200 with no items, as the API does.
 */

export type ItemPredicate = (item: Readonly<Record<string, unknown>>) => boolean;

/** Thrown for a filter the stand-in cannot read; the server turns it into a 400. */
export class FilterSyntaxError extends Error {
  override readonly name = 'FilterSyntaxError';
}

// Filter field names as documented (priceType is the filter name of the items' `type`); matched ignoring case.
const FIELDS: Readonly<Record<string, string>> = Object.fromEntries(
  [
    'armRegionName',
    'location',
    'meterId',
    'meterName',
    'productId',
    'skuId',
    'productName',
    'skuName',
    'serviceName',
    'serviceId',
    'serviceFamily',
    'armSkuName',
    'currencyCode',
    'unitOfMeasure',
    'isPrimaryMeterRegion',
    'reservationTerm',
    'type',
  ].map((name) => [name.toLowerCase(), name]),
);
const ALIASES: Readonly<Record<string, string>> = { pricetype: 'type' };

type Token =
  | { readonly kind: 'word'; readonly text: string }
  | { readonly kind: 'string'; readonly text: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'punct'; readonly text: '(' | ')' | ',' };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source.charAt(i);
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (c === "'") {
      let text = '';
      i++;
      for (;;) {
        if (i >= source.length) throw new FilterSyntaxError('unterminated string literal');
        if (source.charAt(i) === "'") {
          if (source.charAt(i + 1) !== "'") break;
          i++;
        }
        text += source.charAt(i);
        i++;
      }
      i++;
      tokens.push({ kind: 'string', text });
    } else {
      const match = /^(-?\d+(\.\d+)?([eE][-+]?\d+)?|[A-Za-z_][A-Za-z0-9_]*)/.exec(source.slice(i));
      if (match === null) throw new FilterSyntaxError(`unexpected character "${c}" at ${i}`);
      const text = match[0];
      tokens.push(/^-?\d/.test(text) ? { kind: 'number', value: Number(text) } : { kind: 'word', text });
      i += text.length;
    }
  }
  return tokens;
}

/** Compiles a `$filter`; `caseSensitive` follows the API version (2023-01-01-preview and later compare exactly). */
export function compileFilter(source: string, caseSensitive: boolean): ItemPredicate {
  const tokens = tokenize(source);
  let pos = 0;
  const peekWord = (): string | undefined => {
    const t = tokens[pos];
    return t?.kind === 'word' ? t.text.toLowerCase() : undefined;
  };
  const expectPunct = (text: '(' | ')' | ','): void => {
    const t = tokens[pos++];
    if (t?.kind !== 'punct' || t.text !== text) throw new FilterSyntaxError(`expected "${text}"`);
  };
  const field = (): string => {
    const t = tokens[pos++];
    const key = t?.kind === 'word' ? t.text.toLowerCase() : '';
    const name = ALIASES[key] ?? FIELDS[key];
    if (name === undefined)
      throw new FilterSyntaxError(`unknown field "${t?.kind === 'word' ? t.text : ''}"`);
    return name;
  };
  const literal = (): string | number | boolean => {
    const t = tokens[pos++];
    if (t?.kind === 'string') return t.text;
    if (t?.kind === 'number') return t.value;
    if (t?.kind === 'word' && (t.text === 'true' || t.text === 'false')) return t.text === 'true';
    throw new FilterSyntaxError('expected a literal');
  };
  const fold = (value: string): string => (caseSensitive ? value : value.toLowerCase());

  const primary = (): ItemPredicate => {
    const t = tokens[pos];
    if (t?.kind === 'punct' && t.text === '(') {
      pos++;
      const inner = or();
      expectPunct(')');
      return inner;
    }
    if (peekWord() === 'not') {
      pos++;
      const inner = primary();
      return (item) => !inner(item);
    }
    if (peekWord() === 'contains' || peekWord() === 'startswith' || peekWord() === 'endswith') {
      const fn = peekWord();
      pos++;
      expectPunct('(');
      const name = field();
      expectPunct(',');
      const needle = literal();
      expectPunct(')');
      if (typeof needle !== 'string') throw new FilterSyntaxError(`${String(fn)} needs a string`);
      return (item) => {
        const value = item[name];
        if (typeof value !== 'string') return false;
        const [hay, sub] = [fold(value), fold(needle)];
        return fn === 'contains'
          ? hay.includes(sub)
          : fn === 'startswith'
            ? hay.startsWith(sub)
            : hay.endsWith(sub);
      };
    }
    const name = field();
    const op = peekWord();
    if (op !== 'eq' && op !== 'ne') throw new FilterSyntaxError(`expected eq or ne after ${name}`);
    pos++;
    const expected = literal();
    return (item) => {
      const value = item[name];
      const same =
        typeof value === 'string' && typeof expected === 'string'
          ? fold(value) === fold(expected)
          : value === expected;
      return op === 'eq' ? same : !same;
    };
  };
  const and = (): ItemPredicate => {
    let left = primary();
    while (peekWord() === 'and') {
      pos++;
      const [l, r] = [left, primary()];
      left = (item) => l(item) && r(item);
    }
    return left;
  };
  const or = (): ItemPredicate => {
    let left = and();
    while (peekWord() === 'or') {
      pos++;
      const [l, r] = [left, and()];
      left = (item) => l(item) || r(item);
    }
    return left;
  };

  const predicate = or();
  if (pos !== tokens.length) throw new FilterSyntaxError(`unexpected token at position ${pos}`);
  return predicate;
}
