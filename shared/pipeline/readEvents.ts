import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

import type { EventSource } from '../events/types.js';

export interface FileEvent {
  /** The line's text; a line that is not JSON is a bad event for the pipeline, not a crash here. */
  readonly body: unknown;
  readonly source: EventSource;
}

/**
 * Streams events from JSON Lines, so memory stays flat with file size. A file whose first
 * character is `[` is a JSON array: that form is read whole (it cannot be streamed line by line).
 */
export async function* readEvents(path: string, stdin: Readable = process.stdin): AsyncGenerator<FileEvent> {
  const input = path === '-' ? stdin : createReadStream(path, { encoding: 'utf8' });
  const file = path === '-' ? 'stdin' : path;
  const lines = createInterface({ input, crlfDelay: Infinity });
  let lineNumber = 0;
  let arrayText: string[] | undefined;
  let sawContent = false;
  for await (const line of lines) {
    lineNumber++;
    if (arrayText !== undefined) {
      arrayText.push(line);
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '') continue;
    if (!sawContent && trimmed.startsWith('[')) {
      // `trimmed`, not `line`: trim() drops a UTF-8 BOM (PowerShell, Notepad) that JSON.parse rejects.
      arrayText = [trimmed];
      continue;
    }
    sawContent = true;
    yield { body: trimmed, source: { kind: 'file', file, line: lineNumber } };
  }
  if (arrayText !== undefined) yield* arrayEvents(arrayText.join('\n'), file);
}

function* arrayEvents(text: string, file: string): Generator<FileEvent> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // The whole file is one bad "event": it is dead-lettered with the parse error, not dropped.
    yield { body: text, source: { kind: 'file', file, line: 1 } };
    return;
  }
  if (!Array.isArray(parsed)) {
    yield { body: text, source: { kind: 'file', file, line: 1 } };
    return;
  }
  let index = 0;
  for (const item of parsed as unknown[]) {
    index++;
    yield { body: item, source: { kind: 'file', file, line: index } };
  }
}
