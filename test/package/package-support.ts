// Support for test/package/: what a packed tarball and an installed package tree hold, read from
// the files themselves (npm's --json output, the installed package.json files) rather than from npm's
// own reports, so the test checks what a user really gets.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';

export interface PackageJson {
  name: string;
  version: string;
  bin?: Record<string, string>;
  imports?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

export function readPackageJson(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** Every package a package.json asks for at run time (devDependencies are not installed for it). */
export function runtimeNeeds(pkg: PackageJson): string[] {
  return [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {})];
}

export interface InstalledPackage {
  name: string;
  /** Relative to the installed glci, e.g. `node_modules/ink/node_modules/ansi-styles`. */
  path: string;
  pkg: PackageJson;
}

/** Every package below `dir/node_modules`, nested node_modules folders and scopes included. */
export function installedPackages(dir: string, base = dir): InstalledPackage[] {
  const modules = join(dir, 'node_modules');
  if (!existsSync(modules)) return [];
  const found: InstalledPackage[] = [];
  const add = (name: string, packageDir: string): void => {
    if (!existsSync(join(packageDir, 'package.json'))) return;
    found.push({ name, path: relative(base, packageDir).split(sep).join('/'), pkg: readPackageJson(packageDir) });
    found.push(...installedPackages(packageDir, base));
  };
  for (const entry of readdirSync(modules)) {
    if (entry.startsWith('.')) continue; // .bin, .package-lock.json
    if (!entry.startsWith('@')) {
      add(entry, join(modules, entry));
      continue;
    }
    for (const scoped of readdirSync(join(modules, entry))) add(`${entry}/${scoped}`, join(modules, entry, scoped));
  }
  return found;
}

/** The files of an installed package, without its node_modules, as tarball-relative paths. */
export function installedFiles(dir: string): string[] {
  const files: string[] = [];
  const walk = (current: string): void => {
    for (const entry of readdirSync(current)) {
      const path = join(current, entry);
      if (current === dir && entry === 'node_modules') continue;
      if (statSync(path).isDirectory()) walk(path);
      else files.push(relative(dir, path).split(sep).join('/'));
    }
  };
  walk(dir);
  return files.sort();
}

/** The relative specifiers (`./x.js`, `../chunks/y.js`) and `#name` imports of one JavaScript module. */
export function localImports(source: string): string[] {
  const specifiers = new Set<string>();
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["']((?:\.{1,2}\/|#)[^"']+)["']/g;
  for (const match of source.matchAll(pattern)) specifiers.add(match[1]!);
  return [...specifiers];
}

/** The packages one JavaScript module imports or requires by name (`ink`, `@oclif/core`), built-ins left out. */
export function packageImports(source: string, builtins: readonly string[]): string[] {
  const names = new Set<string>();
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(?:\/[\w.-]+)*)["']/g;
  for (const match of source.matchAll(pattern)) {
    const specifier = match[1]!;
    if (specifier.startsWith('node:') || builtins.includes(specifier.split('/')[0]!)) continue;
    names.add(specifier.split('/').slice(0, specifier.startsWith('@') ? 2 : 1).join('/'));
  }
  return [...names];
}

/** Resolves a relative import of the tarball file `from` to a tarball path. */
export function resolveInTarball(from: string, specifier: string): string {
  return posix.normalize(posix.join(posix.dirname(from), specifier));
}
