/**
 * Lets `node --experimental-transform-types` run this repository's TypeScript sources directly:
 * they import siblings as `./x.js` (what tsc emits), so a missing `.js` is retried as `.ts`.
 * Tests use it to spawn the CLI and the local runner as real processes without building dist/.
 */
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:');
    if (!relative || !specifier.endsWith('.js')) throw error;
    return next(`${specifier.slice(0, -3)}.ts`, context);
  }
}
