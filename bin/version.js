// `glci --version` without loading oclif: the line oclif prints (its Config#userAgent,
// `<name>/<version> <platform>-<arch> node-<version>`), but only when nothing could make oclif print
// something else: extra version flags, hooks or plugins in package.json, a single-command layout, debug
// output asked for, an oclif.manifest.json of another version, a working directory that is gone or a
// Node that `engines` may not allow (oclif warns about the last three). Then oclif answers. Whether
// this is WSL (oclif says `wsl` then) is decided by is-wsl, the package oclif asks, bundled into
// dist/version.cjs. test/cli/startup-paths.test.ts compares both answers.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';

/**
 * Whether `engines.node` certainly allows this Node. Only `>=MAJOR.MINOR[.PATCH]` is read, which is
 * what semver (oclif's check) says for a release version; any other range is left to oclif.
 */
function allowedNode(range) {
  if (range === undefined) return true;
  const wanted = /^>=\s*(\d+)\.(\d+)(?:\.(\d+))?$/.exec(String(range).trim());
  const running = /^(\d+)\.(\d+)\.(\d+)$/.exec(process.versions.node);
  if (!wanted || !running) return false;
  const [want, have] = [wanted.slice(1).map((n) => Number(n ?? 0)), running.slice(1).map(Number)];
  const first = want.findIndex((n, i) => n !== have[i]);
  return first === -1 || have[first] > want[first];
}

/** @param {string[]} argv the command line after `glci`. @returns {string | null} the line, or null: oclif answers */
export function quickVersion(argv) {
  if (argv[0] !== '--version' || process.env.GLCI_FAST_PATH === '0' || process.env.DEBUG || process.env.GLCI_DEBUG) return null;
  let pjson;
  let manifest;
  try {
    pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    manifest = JSON.parse(readFileSync(new URL('../oclif.manifest.json', import.meta.url), 'utf8'));
    process.cwd();
  } catch {
    return null;
  }
  const oclif = pjson.oclif ?? {};
  const plain = typeof oclif.commands === 'string' && !oclif.hooks && !oclif.additionalVersionFlags && !(oclif.plugins?.length > 0) && !oclif.devPlugins;
  if (!plain || typeof pjson.name !== 'string' || typeof pjson.version !== 'string' || pjson.version === '') return null;
  if (manifest.version?.split('-')[0] !== pjson.version.split('-')[0] || !allowedNode(pjson.engines?.node)) return null;
  const os = platform();
  const wsl = os === 'linux' && createRequire(import.meta.url)('../dist/version.cjs').isWsl;
  const cpu = arch() === 'ia32' ? 'x86' : arch();
  return `${pjson.name}/${pjson.version} ${wsl ? 'wsl' : os}-${cpu} node-${process.version}`;
}
