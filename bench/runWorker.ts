import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';

import type { LocalStack } from '../local/stack.js';
import type { Job } from './protocol.js';
import { workerMessageSchema } from './protocol.js';
import { diffCounts, type RequestCounter } from './requestCounter.js';

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));

/** Requests the stand-ins received between the worker's `ready` and its `result`. */
export interface Traffic {
  readonly cosmos: number;
  readonly cosmosByKind: Record<string, number>;
  readonly graph: number;
  readonly retail: number;
}

export interface WorkerRun {
  readonly result: unknown;
  readonly traffic: Traffic;
}

/**
 * Runs one job in a fresh Node process (same execArgv, so `--cpu-prof` profiles workers too) and
 * counts the stand-ins' traffic during its measured part only.
 */
export function runWorker(job: Job, stack: LocalStack, cosmos: RequestCounter): Promise<WorkerRun> {
  return new Promise((resolve, reject) => {
    const child = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let before: {
      cosmos: Readonly<Record<string, number>>;
      cosmosTotal: number;
      graph: number;
      retail: number;
    };
    before = { cosmos: {}, cosmosTotal: 0, graph: 0, retail: 0 };
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      outcome();
    };
    child.on('message', (raw: unknown) => {
      const parsed = workerMessageSchema.safeParse(raw);
      if (!parsed.success) {
        finish(() => {
          reject(new Error(`bench worker sent an unexpected message: ${JSON.stringify(raw).slice(0, 200)}`));
        });
        child.kill();
        return;
      }
      const message = parsed.data;
      if (message.type === 'ready') {
        before = {
          cosmos: cosmos.snapshot(),
          cosmosTotal: cosmos.total,
          graph: stack.graph.requests.total,
          retail: stack.retail.requests.count,
        };
        child.send({ type: 'go' });
      } else if (message.type === 'result') {
        const traffic: Traffic = {
          cosmos: cosmos.total - before.cosmosTotal,
          cosmosByKind: diffCounts(cosmos.snapshot(), before.cosmos),
          graph: stack.graph.requests.total - before.graph,
          retail: stack.retail.requests.count - before.retail,
        };
        finish(() => {
          resolve({ result: message.result, traffic });
        });
      } else {
        finish(() => {
          reject(new Error(`bench worker (${job.mode}) failed:\n${message.message}`));
        });
      }
    });
    child.on('error', (error) => {
      finish(() => {
        reject(error);
      });
    });
    child.on('exit', (code) => {
      finish(() => {
        reject(new Error(`bench worker (${job.mode}) exited with ${String(code)} before its result`));
      });
    });
    child.send({ type: 'job', job });
  });
}
