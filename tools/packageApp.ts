/**
 * `npm run package`: the Function App's deployment zip. It holds the compiled functions and their
 * shared code (`dist/functions`, `dist/shared`), `host.json`, `package.json`, `package-lock.json`, and
 * the production dependencies only, copied from the installed `node_modules` as package-lock.json
 * lists them (entries without `dev: true`). No registry access: what CI tested is what ships.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

import { zipSync, type Zippable } from 'fflate';

/** Compiled folders the host loads (`main` is `dist/functions/*.js`); the CLI, demo and stand-ins stay out. */
export const RUNTIME_DIRS = ['functions', 'shared'] as const;
export const ROOT_FILES = ['host.json', 'package.json', 'package-lock.json'] as const;

export interface PackageOptions {
  /** The repository root: sources, package-lock.json and the installed node_modules. */
  readonly root: string;
  /** Where `tsc -p tsconfig.package.json` wrote its output (normally `<root>/dist`). */
  readonly distDir: string;
  readonly outFile: string;
}

export interface PackageResult {
  readonly outFile: string;
  readonly bytes: number;
  readonly files: number;
  readonly packages: readonly string[];
}

interface LockEntry {
  readonly dev?: boolean;
  readonly devOptional?: boolean;
  readonly optional?: boolean;
}

/** `node_modules/…` paths of every production package in the lockfile (nested ones included). */
export function productionPackages(root: string): string[] {
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages?: Record<string, LockEntry>;
  };
  const found: string[] = [];
  for (const [path, entry] of Object.entries(lock.packages ?? {})) {
    if (!path.startsWith('node_modules/') || entry.dev === true || entry.devOptional === true) continue;
    if (existsSync(join(root, path))) found.push(path);
    // Optional packages for another platform are absent here, as they would be on the host.
    else if (entry.optional !== true) {
      throw new Error(
        `${path} is a production dependency in package-lock.json but is not installed: run npm ci`,
      );
    }
  }
  return found.sort();
}

/** Files under dir, as paths relative to it; `skip` says which directory names not to enter. */
function walk(dir: string, skip: (name: string) => boolean = () => false): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory() || (entry.isSymbolicLink() && statSync(path).isDirectory())) {
      return skip(entry.name) ? [] : walk(path, skip).map((inner) => join(entry.name, inner));
    }
    return [entry.name];
  });
}

/** Compiled files whose TypeScript source still exists: a deleted function must not ship from a stale dist. */
function compiledFiles(root: string, distDir: string): string[] {
  return RUNTIME_DIRS.flatMap((folder) => {
    const dir = join(distDir, folder);
    if (!existsSync(dir)) throw new Error(`${dir} is missing: run tsc -p tsconfig.package.json first`);
    return walk(dir)
      .map((file) => join(folder, file))
      .filter((file) => /\.js(\.map)?$/.test(file))
      .filter((file) => existsSync(join(root, file.replace(/\.js(\.map)?$/, '.ts'))));
  });
}

export function packageApp(options: PackageOptions): PackageResult {
  const { root, distDir } = options;
  const tree: Zippable = {};
  const add = (zipPath: string, from: string) => {
    tree[zipPath.split(sep).join('/')] = readFileSync(from);
  };
  const compiled = compiledFiles(root, distDir);
  for (const file of compiled) add(join('dist', file), join(distDir, file));
  for (const file of ROOT_FILES) add(file, join(root, file));
  const packages = productionPackages(root);
  let files = compiled.length + ROOT_FILES.length;
  for (const pkg of packages) {
    // node_modules may be a symlink to a shared install; read through it.
    const source = realpathSync(join(root, pkg));
    // Nested node_modules are lockfile entries of their own, packed only if they are production ones.
    for (const file of walk(source, (name) => name === 'node_modules')) {
      add(join(pkg, file), join(source, file));
      files++;
    }
  }
  const zip = zipSync(tree, { level: 6 });
  writeFileSync(options.outFile, zip);
  return { outFile: options.outFile, bytes: zip.byteLength, files, packages };
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // dist/tools/packageApp.js → the repository root is two levels up.
  const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
  const outFile = join(root, 'dist', 'aoai-chargeback.zip');
  const result = packageApp({ root, distDir: join(root, 'dist'), outFile });
  console.log(
    `${relative(process.cwd(), result.outFile)}: ${megabytes(result.bytes)} ` +
      `(${result.files} files, ${result.packages.length} production packages)`,
  );
}
