import { CommanderError } from 'commander';

import { DependencyError, UserError } from '../shared/errors.js';
import { InfrastructureFailure } from './infrastructureFailure.js';

/**
 * Every exit code of `chargeback`, one table (the README's "Exit codes" mirrors it). A script can
 * tell "fix your input" from "look at the books" from "retry later" without reading stderr.
 */
export const EXIT = {
  /** Done, nothing to report. */
  ok: 0,
  /** A finding: the books do not balance, every event was dead-lettered, a price set is not stored. */
  finding: 1,
  /** A usage error or bad input: an argument, a setting, a file, a database that does not exist. */
  usage: 2,
  /** The store failed mid-run: batches were spilled safely; run `chargeback backfill` later. */
  spilled: 3,
  /** An infrastructure failure with nothing saved: a store or service unreachable or not answering. */
  infrastructure: 4,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code for an error that ended a command. */
export function exitCodeFor(error: unknown): ExitCode {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  if (error instanceof UserError) return EXIT.usage;
  if (error instanceof DependencyError || error instanceof InfrastructureFailure) return EXIT.infrastructure;
  return EXIT.finding;
}
