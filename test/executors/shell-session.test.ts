// The variables a debug shell starts with (src/executors/shell-session.ts): exported as the job's
// scripts export them (script/step-script.ts): runner-expanded, file variables as paths, GITLAB_ENV.
import { describe, expect, it } from 'vitest';
import { shellBanner, shellVariables } from '../../src/executors/shell-session.js';
import { variable } from '../support/planned-job.js';

describe('shellVariables', () => {
  it('expands as the runner does, turns file variables into their path, and points GITLAB_ENV at the env file', () => {
    const { env, files } = shellVariables(
      [
        variable('BASE', 'base'),
        variable('DERIVED', '$BASE/more'),
        variable('RAW', '$BASE', { raw: true }),
        variable('CONFIG', 'file body $BASE', { file: true }),
        variable('BASE', 'later wins'),
      ],
      '/builds/p.tmp',
    );
    // Expanded against the whole list, the last definition of BASE winning (JobVariables.Get).
    expect(env).toEqual({
      BASE: 'later wins',
      DERIVED: 'later wins/more',
      RAW: '$BASE',
      CONFIG: '/builds/p.tmp/CONFIG',
      GITLAB_ENV: '/builds/p.tmp/gitlab_runner_env',
    });
    expect(files).toEqual([{ name: 'CONFIG', content: 'file body later wins' }]);
  });
});

describe('shellBanner', () => {
  it('names the shell and the project dir and masks masked values', () => {
    const banner = shellBanner('Interactive bash', '/builds/top-secret-dir', [variable('S', 'top-secret', { masked: true })]);
    expect(banner).toBe("\nInteractive bash in /builds/[MASKED]-dir, with the job's variables. Type exit to leave; the job's environment is removed then.\n");
  });
});
