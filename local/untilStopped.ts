/**
 * Resolves when this process is asked to stop: Ctrl-C (SIGINT), SIGTERM, SIGHUP, or its parent
 * going away. The last matters under `npm run`: npm runs a script through `sh -c`, and forwards a
 * SIGTERM to that shell only; dash exits without passing it on, which used to leave the demo's and
 * the local runner's servers orphaned and still answering. An orphan's parent id changes, so a
 * cheap check every second catches it on Linux, macOS and Windows alike.
 */
const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function untilStopped(): Promise<string> {
  const parent = process.ppid;
  return new Promise((resolve) => {
    const listeners = SIGNALS.map((signal) => {
      const listener = () => {
        stop(signal);
      };
      process.once(signal, listener);
      return [signal, listener] as const;
    });
    const watch = setInterval(() => {
      if (process.ppid !== parent) stop('parent exited');
    }, 1_000);
    function stop(why: string): void {
      clearInterval(watch);
      for (const [signal, listener] of listeners) process.removeListener(signal, listener);
      resolve(why);
    }
  });
}
