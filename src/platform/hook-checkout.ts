// The content a hook checks, as a project of its own: a temporary repository whose working tree and
// index are the tree being committed (the index) or pushed (the local sha), with HEAD at the commit it
// builds on, on the branch being committed to. Objects are borrowed through `alternates` as in
// job-repository.ts, so nothing is copied but the files. The branch, `origin` and the default branch
// are written too, so CI_COMMIT_BRANCH, CI_PROJECT_PATH and `rules:if` see what the real pipeline would.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runGit } from './run-git.js';

export interface HookCheckoutSpec {
  /** The folder name of the checkout: the repository's own, so CI_PROJECT_NAME and CI_PROJECT_DIR read as in a normal run. */
  name: string;
  /** The user's object store (absolute). */
  objectsDir: string;
  /** What the working tree holds: a tree or a commit. */
  treeish: string;
  /** The commit HEAD points at; null before the first commit. */
  head: string | null;
  /** The branch (HEAD attached to it) or tag (HEAD detached at it) the pipeline is for. */
  ref: { kind: 'branch' | 'tag'; name: string } | null;
  remoteUrl: string | null;
  defaultBranch: string;
  /** Patterns for `.git/info/exclude`: files glci adds beside the tree that jobs must not get. */
  excluded: readonly string[];
}

export interface HookCheckout {
  /** The repository's top level (the temporary folder). */
  dir: string;
  remove(): Promise<void>;
}

/** A git config value in double quotes, so `#`, `;` and spaces survive. */
function quoted(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function configText(spec: HookCheckoutSpec): string {
  const lines = ['[core]', '\trepositoryformatversion = 0', '\tfilemode = true', '\tbare = false'];
  lines.push('[init]', `\tdefaultBranch = ${quoted(spec.defaultBranch)}`);
  if (spec.remoteUrl) lines.push('[remote "origin"]', `\turl = ${quoted(spec.remoteUrl)}`);
  return `${lines.join('\n')}\n`;
}

async function writeRef(gitDir: string, ref: string, sha: string): Promise<void> {
  const file = join(gitDir, ref);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${sha}\n`);
}

async function writeRepository(gitDir: string, spec: HookCheckoutSpec): Promise<void> {
  await Promise.all([mkdir(join(gitDir, 'objects', 'info'), { recursive: true }), mkdir(join(gitDir, 'info'), { recursive: true }), mkdir(join(gitDir, 'refs', 'heads'), { recursive: true }), mkdir(join(gitDir, 'refs', 'tags'), { recursive: true })]);
  await Promise.all([
    writeFile(join(gitDir, 'config'), configText(spec)),
    writeFile(join(gitDir, 'objects', 'info', 'alternates'), `${spec.objectsDir}\n`),
    writeFile(join(gitDir, 'info', 'exclude'), spec.excluded.map((p) => `${p}\n`).join('')),
  ]);
  const { head, ref } = spec;
  if (ref?.kind === 'tag' && head) {
    await writeRef(gitDir, `refs/tags/${ref.name}`, head);
    await writeFile(join(gitDir, 'HEAD'), `${head}\n`);
    return;
  }
  const branch = ref?.kind === 'branch' ? ref.name : null;
  if (branch && head) await writeRef(gitDir, `refs/heads/${branch}`, head);
  // No branch known (detached HEAD): detached at the commit, as the runner checks it out.
  await writeFile(join(gitDir, 'HEAD'), branch || !head ? `ref: refs/heads/${branch ?? spec.defaultBranch}\n` : `${head}\n`);
}

/** Creates the checkout in a new temporary folder; `remove()` deletes it. */
export async function createHookCheckout(spec: HookCheckoutSpec): Promise<HookCheckout> {
  const parent = await mkdtemp(join(tmpdir(), 'glci-hook-'));
  const dir = join(parent, spec.name);
  const remove = () => rm(parent, { recursive: true, force: true });
  try {
    await writeRepository(join(dir, '.git'), spec);
    // One process fills the index and the working tree (smudge filters and modes as a checkout).
    const result = await runGit(dir, ['read-tree', '--reset', '-u', spec.treeish]);
    if (!result.ok) throw new Error(`git read-tree ${spec.treeish} failed: ${result.stderr.trim()}`);
    return { dir, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
