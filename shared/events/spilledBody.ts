import type { FieldIssue } from './types.js';

/**
 * A body as a spill keeps it (shared/spill/spillEntry.ts): only its redacted view, never the raw
 * body, plus the ids that depend on what the view leaves out, so a replay writes the very record or
 * dead letter the first delivery would have written. Only a spill reader makes these: a hub or a file
 * hands over JSON, never an instance of this class.
 */
export class SpilledBody {
  constructor(
    /** The redacted view (shared/events/redact.ts), or undefined if the body was refused unparsed. */
    readonly view: Record<string, unknown> | undefined,
    /** Why the body was refused before any field was read (not JSON, too deep, …). */
    readonly refused: readonly FieldIssue[] | undefined,
    /** The record id if the event has no request id: a hash of the whole original body. */
    readonly contentId: string | undefined,
    readonly deadLetterId: string,
    readonly rawBytes: number,
    /** What a dead letter keeps of a body refused unparsed: its shape. */
    readonly shape: string,
  ) {}
}
