import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

import { UserError } from '../errors.js';
import type { EventSource } from '../events/types.js';

export interface FileEvent {
  /**
   * What the Functions host would hand the trigger for this line (see `hostValue`): `parseBody`
   * then treats it exactly as it treats an Event Hub message, so the CLI and the function agree.
   */
  readonly body: unknown;
  readonly source: EventSource;
}

const FORMATS =
  'ingest reads JSON Lines (one event per line), a JSON array of events, ' +
  'or a JSON object whose "value" or "records" is an array of events';

/**
 * Streams events from a file (or `-`, stdin) in one of three forms, decided before any event is
 * yielded, so a file that is none of them is a usage error with nothing written:
 * - JSON Lines: streamed line by line, memory flat with file size; a line that is not JSON is a
 *   bad event (dead-lettered), not a crash.
 * - One JSON document (a pretty-printed array, `{"value": […]}`, `{"records": […]}`, or a single
 *   event): read whole, since it cannot be streamed by lines.
 * - A first line that opens a document (`[` or `{`) which never closes is neither: refused.
 */
export async function* readEvents(path: string, stdin: Readable = process.stdin): AsyncGenerator<FileEvent> {
  const file = path === '-' ? 'stdin' : path;
  const input = path === '-' ? stdin : await openFile(path);
  try {
    const lines = createInterface({ input, crlfDelay: Infinity })[Symbol.asyncIterator]();
    let lineNumber = 0;
    /** The next line with content, trimmed (trim() also drops a UTF-8 BOM, which JSON.parse rejects). */
    const nextContent = async (): Promise<{ text: string; line: number } | undefined> => {
      for (let next = await lines.next(); next.done !== true; next = await lines.next()) {
        lineNumber++;
        const text = next.value.trim();
        if (text !== '') return { text, line: lineNumber };
      }
      return undefined;
    };

    const first = await nextContent();
    if (first === undefined) return;
    const firstValue = parseOrFail(first.text);
    if (!firstValue.ok && opensDocument(first.text)) {
      // A document spread over lines: the first line alone is not JSON.
      const rest: string[] = [first.text];
      for (let next = await lines.next(); next.done !== true; next = await lines.next())
        rest.push(next.value);
      yield* documentEvents(rest.join('\n'), file);
      return;
    }
    const second = await nextContent();
    if (second === undefined) {
      // One line: the file is that one document (an array of events, a wrapper, or one event).
      if (firstValue.ok) yield* documentEvents(first.text, file, firstValue.value);
      else yield lineEvent(first.text, file, first.line);
      return;
    }
    yield lineEvent(first.text, file, first.line);
    yield lineEvent(second.text, file, second.line);
    for (let next = await nextContent(); next !== undefined; next = await nextContent()) {
      yield lineEvent(next.text, file, next.line);
    }
  } finally {
    // An early stop (an error, a usage error) must not leave the file open.
    if (input !== stdin) input.destroy();
  }
}

async function openFile(path: string): Promise<Readable> {
  try {
    const handle = await open(path, 'r');
    return handle.createReadStream({ encoding: 'utf8' });
  } catch (error) {
    throw new UserError(`${path}: cannot read the file (${(error as Error).message})`);
  }
}

const opensDocument = (text: string) => text.startsWith('[') || text.startsWith('{');

type Parsed = { ok: true; value: unknown } | { ok: false; problem: string };

function parseOrFail(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, problem: (error as Error).message };
  }
}

/**
 * The host decodes a message that is JSON text into its value, so a line holding a JSON *string*
 * (an event encoded twice, as capture tools write it) reaches the trigger as that string, which
 * `parseBody` then reads as JSON. Other lines stay text: `parseBody` parses them to the same value
 * the host would give, keeping the line as the dead letter's `raw` (and JSON.parse done once).
 */
function lineEvent(text: string, file: string, line: number): FileEvent {
  const source: EventSource = { kind: 'file', file, line };
  if (!text.startsWith('"')) return { body: text, source };
  const parsed = parseOrFail(text);
  return { body: parsed.ok && typeof parsed.value === 'string' ? parsed.value : text, source };
}

function* documentEvents(text: string, file: string, known?: unknown): Generator<FileEvent> {
  let value = known;
  if (value === undefined) {
    const parsed = parseOrFail(text);
    if (!parsed.ok) {
      throw new UserError(
        `${file}: line 1 opens a JSON document, but the file is not one (${parsed.problem}), ` +
          `and it is not JSON Lines either (line 1 alone is not JSON); nothing was ingested. ${FORMATS}`,
      );
    }
    value = parsed.value;
  }
  const items = eventsIn(value, file);
  if (items === undefined) {
    yield { body: value, source: { kind: 'file', file, line: 1 } };
    return;
  }
  let index = 0;
  for (const item of items) {
    index++;
    // For an array, `line` is the item's position (1-based): a document has no event lines.
    yield { body: item, source: { kind: 'file', file, line: index } };
  }
}

/** The events of a top-level array or a `value` / `records` wrapper; undefined for one event. */
function eventsIn(value: unknown, file: string): readonly unknown[] | undefined {
  if (Array.isArray(value)) return value as unknown[];
  if (typeof value !== 'object' || value === null) return undefined;
  const wrapper = value as Record<string, unknown>;
  const lists = (['value', 'records'] as const).filter((key) => Array.isArray(wrapper[key]));
  if (lists.length > 1) {
    throw new UserError(`${file}: both "value" and "records" are arrays; which holds the events? ${FORMATS}`);
  }
  const key = lists[0];
  return key === undefined ? undefined : (wrapper[key] as unknown[]);
}
