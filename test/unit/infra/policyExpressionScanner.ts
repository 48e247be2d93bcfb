import { XMLParser } from 'fast-xml-parser';

import {
  ALL,
  ALLOWED_TYPES,
  CONTEXT_TYPE_NAMES,
  CONTEXT_TYPES,
  KEYWORD_TYPES,
  OBJECT_MEMBERS,
} from './apimAllowList.js';

/**
 * A lexical check of APIM policy expressions against apimAllowList.ts. It is not a C# compiler: it
 * finds every type the code names (qualified, simple, keyword, generic argument, cast, `new`, `catch`),
 * the members used on those types and on `context` chains, and the members of locals whose type it can
 * see from their declaration. Members reached through an unknown receiver are not checked, except
 * GetType, which is refused anywhere because its result, System.Type, is not an allowed type.
 */

type Token = { kind: 'id' | 'str' | 'num' | 'punct'; text: string };

const KEYWORDS = new Set(
  (
    'as break case catch default do else false finally for foreach if in is new null out ref return ' +
    'switch this throw true try var void while object'
  ).split(' '),
);

/** `@(…)` and `@{…}` values of every attribute and text node, in document order. */
export function policyExpressions(xml: string): string[] {
  const doc: unknown = new XMLParser({
    ignoreAttributes: false,
    trimValues: false,
    parseTagValue: false,
  }).parse(xml);
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (typeof node === 'string') {
      const value = node.trim();
      if (value.startsWith('@(') || value.startsWith('@{')) found.push(value);
    } else if (Array.isArray(node)) node.forEach(walk);
    else if (typeof node === 'object' && node !== null) Object.values(node).forEach(walk);
  };
  walk(doc);
  return found;
}

export function tokenize(code: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < code.length) {
    const rest = code.slice(i);
    const skip = /^(\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)/.exec(rest);
    const str = /^(@"(?:[^"]|"")*"|\$?"(?:[^"\\\n]|\\.)*"|'(?:[^'\\]|\\.)+')/.exec(rest);
    const id = /^[A-Za-z_]\w*/.exec(rest);
    const num = /^\d[\w.]*/.exec(rest);
    const take = (kind: Token['kind'], text: string, length = text.length): void => {
      tokens.push({ kind, text });
      i += length;
    };
    if (skip) i += skip[0].length;
    else if (str) take('str', str[0]);
    else if (id) take('id', id[0]);
    else if (num) take('num', num[0]);
    else if (rest.startsWith('?.')) take('punct', '.', 2);
    else take('punct', code[i] ?? '');
  }
  return tokens;
}

/** Simple name → allowed full name (`JObject` → `Newtonsoft.Json.Linq.JObject`). */
const SIMPLE = new Map(
  Object.keys(ALLOWED_TYPES).map((full) => [full.slice(full.lastIndexOf('.') + 1), full]),
);

/** Base classes whose members a derived type has (Match.Success comes from Group). */
const BASE: Readonly<Record<string, string>> = {
  'System.Text.RegularExpressions.Match': 'System.Text.RegularExpressions.Group',
  'System.Text.RegularExpressions.Group': 'System.Text.RegularExpressions.Capture',
};

/** Known results of static calls, for `var m = Regex.Match(…)`. */
const RETURNS: Readonly<Record<string, string>> = {
  'System.Text.RegularExpressions.Regex.Match': 'System.Text.RegularExpressions.Match',
};

function memberAllowed(type: string, member: string): boolean {
  if (member === 'GetType') return false;
  if (OBJECT_MEMBERS.includes(member)) return true;
  const members = ALLOWED_TYPES[type];
  if (members === ALL || members?.includes(member)) return true;
  const base = BASE[type];
  return base !== undefined && memberAllowed(base, member);
}

/** Problems found in one expression; empty when everything it names is on the list. */
export function scanExpression(expression: string): string[] {
  // Named values ({{name}}) are substituted before the gateway compiles the expression.
  const code = expression.replace(/^@[({]|[)}]$/g, '').replace(/\{\{[\w.-]+\}\}/g, '0');
  const tokens = tokenize(code);
  const problems: string[] = [];
  const locals = new Map<string, string>();
  const at = (n: number): Token | undefined => tokens[n];
  const isId = (n: number): boolean => at(n)?.kind === 'id';
  const isPunct = (n: number, text: string): boolean => at(n)?.kind === 'punct' && at(n)?.text === text;

  /** Checks `type.member` at token n (the member), for a .NET type or a context-model type. */
  const checkMemberOf = (type: string, n: number): void => {
    const member = at(n)?.text ?? '';
    const model = CONTEXT_TYPES[type];
    if (member === 'GetType') problems.push('GetType(): its result System.Type is not an allowed type');
    else if (model && model[member] === undefined && !OBJECT_MEMBERS.includes(member)) {
      problems.push(`${type}.${member} is not an allowed member`);
    } else if (!model && !memberAllowed(type, member))
      problems.push(`${type}.${member} is not an allowed member`);
  };

  /** The type of `var name = …` at token n (the name), when the right side shows it. */
  const inferVar = (n: number): string | undefined => {
    const semicolon = tokens.findIndex((t, k) => k > n && t.kind === 'punct' && t.text === ';');
    const end = semicolon === -1 ? tokens.length : semicolon;
    const asAt = tokens.slice(n, end).findLastIndex((t) => t.kind === 'id' && t.text === 'as');
    if (asAt !== -1) {
      // `as JArray` names the type simply: its members are listed under the qualified name.
      const named = at(n + asAt + 1)?.text;
      return named === undefined ? undefined : (SIMPLE.get(named) ?? named);
    }
    const isNew = at(n + 2)?.text === 'new';
    const name = at(isNew ? n + 3 : n + 2)?.text ?? '';
    const type = SIMPLE.get(name);
    if (type === undefined) return undefined;
    if (isNew) return isPunct(n + 4, '(') ? type : undefined;
    return isPunct(n + 3, '.') ? RETURNS[`${type}.${at(n + 4)?.text ?? ''}`] : undefined;
  };

  /** Walks `context.A.B…` from token n (the `context` identifier). */
  const checkContext = (n: number): void => {
    let model = 'context';
    let k = n;
    while (isPunct(k + 1, '.') && isId(k + 2)) {
      const member = at(k + 2)?.text ?? '';
      const table = CONTEXT_TYPES[model];
      if (table) {
        const next = table[member];
        if (next === undefined) {
          problems.push(`${model}.${member} is not in the context variable's members`);
          return;
        }
        model = next;
      } else {
        if (ALLOWED_TYPES[model] !== undefined) checkMemberOf(model, k + 2);
        return;
      }
      k += 2;
    }
  };

  /** Resolves a type name starting at token n; returns [full name | undefined, index of its last token]. */
  const resolveType = (n: number): [string | undefined, number] => {
    const first = at(n)?.text ?? '';
    if (first === 'System' || first === 'Newtonsoft') {
      let name = first;
      let k = n;
      let best: [string | undefined, number] = [undefined, n];
      while (isPunct(k + 1, '.') && isId(k + 2)) {
        name += `.${at(k + 2)?.text ?? ''}`;
        k += 2;
        if (ALLOWED_TYPES[name] !== undefined) best = [name, k];
      }
      if (best[0] === undefined) problems.push(`${name} is not an allowed type`);
      return best[0] === undefined ? [undefined, k] : best;
    }
    if (KEYWORD_TYPES[first]) return [KEYWORD_TYPES[first], n];
    if (CONTEXT_TYPE_NAMES.includes(first)) return [first, n];
    const full = SIMPLE.get(first);
    if (full === undefined) problems.push(`${first} is not an allowed type`);
    return [full, n];
  };

  for (let n = 0; n < tokens.length; n++) {
    const token = tokens[n];
    if (token?.kind !== 'id' || isPunct(n - 1, '.')) continue;
    const word = token.text;
    if (word === 'typeof') {
      problems.push('typeof: System.Type is not an allowed type');
      continue;
    }
    if (word === 'context') {
      checkContext(n);
      continue;
    }
    if (KEYWORDS.has(word)) continue;
    const isType = /^[A-Z]/.test(word) || KEYWORD_TYPES[word] !== undefined;
    if (isType) {
      const [type, last] = resolveType(n);
      const isNew = at(n - 1)?.text === 'new';
      n = last;
      if (type === undefined) continue;
      const members = ALLOWED_TYPES[type];
      if (isNew && isPunct(last + 1, '(') && members !== ALL && !members?.includes('.ctor')) {
        problems.push(`new ${type}(…) is not allowed`);
      }
      // `Type name` declares a local whose members can be checked later.
      const next = at(last + 1)?.text ?? '';
      if (isId(last + 1) && /^[a-z_]/.test(next) && !KEYWORDS.has(next)) locals.set(next, type);
      if (isPunct(last + 1, '.') && isId(last + 2)) checkMemberOf(type, last + 2);
      continue;
    }
    const local = locals.get(word);
    if (local !== undefined) {
      if (isPunct(n + 1, '.') && isId(n + 2)) checkMemberOf(local, n + 2);
      continue;
    }
    // `var name = new Type(…)`, `var name = Regex.Match(…)` or `var name = … as Type;`
    if (at(n - 1)?.text === 'var' && isPunct(n + 1, '=')) {
      const inferred = inferVar(n);
      if (inferred !== undefined) locals.set(word, inferred);
    }
  }
  // GetType on whatever receiver, including ones whose type the scan cannot see.
  const getType = 'GetType(): its result System.Type is not an allowed type';
  if (tokens.some((t, n) => t.text === 'GetType' && isPunct(n - 1, '.'))) problems.push(getType);
  return [...new Set(problems)];
}
