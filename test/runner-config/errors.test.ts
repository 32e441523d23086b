// Every wrong config.toml is a ConfigError at FILE:LINE:COLUMN naming the key path, all problems at once.
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { errorsOf, load, toml } from './support.js';

describe('TOML syntax errors', () => {
  it('carry the 1-based line and column of @iarna/toml (which counts from 0)', () => {
    const lines = errorsOf(toml('concurrent = 1', '[[runners]]', '  executor = ', '  name = "x"'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^config\.toml:3:14: invalid TOML: Unexpected character/);
    expect(lines[0]).not.toContain('row'); // @iarna's code excerpt is dropped: the location says it
  });

  it('a key defined twice', () => {
    expect(errorsOf(toml('[[runners]]', '  executor = "shell"', '  executor = "docker"'))[0]).toMatch(/^config\.toml:3:\d+: invalid TOML: Can't redefine existing key/);
  });

  it('an unterminated string', () => {
    expect(errorsOf(toml('[[runners]]', '  name = "oops', '  executor = "shell"'))[0]).toMatch(/^config\.toml:2:\d+: invalid TOML: /);
  });

  it('have a hint and the config kind (exit status 2)', () => {
    try {
      load('x = [');
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).kind).toBe('config');
      expect((err as ConfigError).hint).toMatch(/TOML/);
    }
  });
});

describe('wrong types', () => {
  it('a global', () => {
    expect(errorsOf(toml('concurrent = "x"'))).toEqual(['config.toml:1:1: concurrent must be an integer, not "x"']);
  });

  it('a runner key', () => {
    expect(errorsOf(toml('[[runners]]', '  executor = 42'))).toEqual(['config.toml:2:3: runners[0].executor must be a string, not 42']);
  });

  it('a [runners.docker] key', () => {
    expect(errorsOf(toml('[[runners]]', '  executor = "docker"', '  [runners.docker]', '    image = "x"', '    privileged = "yes"'))).toEqual([
      'config.toml:5:5: runners[0].docker.privileged must be a boolean (true or false), not "yes"',
    ]);
  });

  it('in the second [[runners]] entry, at its own line', () => {
    const text = toml(
      '[[runners]]', '  executor = "docker"', '  [runners.docker]', '    privileged = true',
      '[[runners]]', '  executor = "docker"', '  [runners.docker]', '    privileged = 1',
    );
    expect(errorsOf(text)).toEqual(['config.toml:8:5: runners[1].docker.privileged must be a boolean (true or false), not 1']);
  });

  it('an array element, on a line of a multi-line array', () => {
    const text = toml('[[runners]]', '  executor = "shell"', '  environment = [', '    1, # a comment', '', '    2,', '  ]');
    expect(errorsOf(text)).toEqual([
      'config.toml:4:5: runners[0].environment[0] must be a string, not 1',
      'config.toml:6:5: runners[0].environment[1] must be a string, not 2',
    ]);
  });

  it('a mixed array is a syntax error (@iarna/toml implements TOML 0.5), still at its place', () => {
    expect(errorsOf(toml('[[runners]]', '  executor = "shell"', '  tags = ["a", 1]'))[0]).toMatch(/^config\.toml:3:\d+: invalid TOML: /);
  });

  it('a table entry', () => {
    const text = toml('[[runners]]', '  executor = "shell"', '  [runners.feature_flags]', '    FF_NETWORK_PER_BUILD = "true"');
    expect(errorsOf(text)).toEqual(['config.toml:4:5: runners[0].feature_flags.FF_NETWORK_PER_BUILD must be a boolean (true or false), not "true"']);
  });

  it('a dotted key and an inline table', () => {
    expect(errorsOf(toml('[[runners]]', 'executor = "docker"', 'docker.shm_size = "64m"'))).toEqual([
      'config.toml:3:1: runners[0].docker.shm_size must be an integer, not "64m"',
    ]);
    expect(errorsOf(toml('[[runners]]', 'executor = "docker"', 'docker = { image = "a", tls_verify = "no" }'))).toEqual([
      'config.toml:3:25: runners[0].docker.tls_verify must be a boolean (true or false), not "no"',
    ]);
  });

  it('a service entry', () => {
    const text = toml(
      '[[runners]]', '  executor = "docker"', '  [runners.docker]',
      '    [[runners.docker.services]]', '      name = "a"',
      '    [[runners.docker.services]]', '      name = "b"', '      command = "serve"',
    );
    expect(errorsOf(text)).toEqual(['config.toml:8:7: runners[0].docker.services[1].command must be an array of strings, not "serve"']);
  });

  it('[runners] written as a single table', () => {
    expect(errorsOf(toml('[runners]', '  executor = "shell"'))).toEqual([
      'config.toml:1:1: runners must be an array of tables (write each runner as [[runners]]), not a table',
    ]);
  });

  it('a quoted key is quoted in the path', () => {
    const text = toml('[[runners]]', '  executor = "docker"', '  [runners.docker.tmpfs]', '    "/var/lib/mysql" = true');
    expect(errorsOf(text)).toEqual(['config.toml:4:5: runners[0].docker.tmpfs."/var/lib/mysql" must be a string, not true']);
  });
});

describe('wrong values', () => {
  it('pull_policy, with GitLab Runner\'s message', () => {
    const lines = errorsOf(toml('[[runners]]', '  executor = "docker"', '  [runners.docker]', '    pull_policy = "sometimes"'));
    expect(lines).toEqual(['config.toml:4:5: unsupported pull_policy config: "sometimes" (runners[0].docker.pull_policy takes always, if-not-present, never)']);
  });

  it('one value of a pull_policy array, at its element', () => {
    const lines = errorsOf(toml('[[runners]]', '  executor = "docker"', '  [runners.docker]', '    pull_policy = ["always", "IfNotPresent"]'));
    expect(lines).toEqual(['config.toml:4:30: unsupported pull_policy config: "IfNotPresent" (runners[0].docker.pull_policy takes always, if-not-present, never)']);
  });

  it('allowed_pull_policies', () => {
    expect(errorsOf(toml('[[runners]]', 'executor = "docker"', '[runners.docker]', 'allowed_pull_policies = ["nope"]'))[0]).toBe(
      'config.toml:4:26: unsupported allowed_pull_policies config: "nope" (runners[0].docker.allowed_pull_policies takes always, if-not-present, never)',
    );
    expect(errorsOf(toml('[[runners]]', 'executor = "docker"', '[runners.docker]', 'allowed_pull_policies = "always"'))[0]).toBe(
      'config.toml:4:1: runners[0].docker.allowed_pull_policies must be an array of strings, not "always"',
    );
  });

  it('an executor GitLab Runner does not have, with a suggestion', () => {
    expect(errorsOf(toml('[[runners]]', '  executor = "dokcer"'))).toEqual([
      'config.toml:2:3: runners[0].executor "dokcer" is not a GitLab Runner executor (did you mean docker?)',
    ]);
  });

  it('a runner without an executor', () => {
    expect(errorsOf(toml('concurrent = 1', '[[runners]]', '  name = "x"'))).toEqual([
      'config.toml:2:1: runners[0] needs an executor (glci runs shell, docker, kubernetes)',
    ]);
  });

  it('an unknown shell', () => {
    expect(errorsOf(toml('[[runners]]', '  executor = "shell"', '  shell = "zsh"'))[0]).toMatch(/^config\.toml:3:3: runners\[0\]\.shell "zsh" is not a shell GitLab Runner knows/);
  });

  it('concurrent below 1, negative limit and shm_size, bad memory and cpus', () => {
    const text = toml(
      'concurrent = 0', '[[runners]]', '  executor = "docker"', '  limit = -1', '  [runners.docker]',
      '    shm_size = -5', '    memory = "lots"', '    cpus = "two"',
    );
    expect(errorsOf(text)).toEqual([
      'config.toml:1:1: concurrent must be 1 or more, not 0',
      'config.toml:4:3: runners[0].limit must be 0 (no limit) or more, not -1',
      'config.toml:6:5: runners[0].docker.shm_size must be a size in bytes (0: Docker\'s default), not -5',
      'config.toml:7:5: runners[0].docker.memory must be a size such as "512m" or "2g", not "lots"',
      'config.toml:8:5: runners[0].docker.cpus must be a number of CPUs such as "1.5", not "two"',
    ]);
  });

  it('a service without a name', () => {
    const text = toml('[[runners]]', '  executor = "docker"', '  [runners.docker]', '    [[runners.docker.services]]', '      alias = "db"');
    expect(errorsOf(text)).toEqual(['config.toml:4:5: runners[0].docker.services[0] needs a name (the service image)']);
  });
});

describe('collecting', () => {
  it('reports every problem of the file in one ConfigError, in file order', () => {
    const text = toml(
      'concurrent = "x"',
      '[[runners]]', '  executor = 42',
      '  [runners.docker]', '    privileged = "yes"', '    pull_policy = "sometimes"',
    );
    expect(errorsOf(text).map((l) => l.split(': ')[0])).toEqual(['config.toml:1:1', 'config.toml:3:3', 'config.toml:5:5', 'config.toml:6:5']);
  });

  it('accepts what Docker and Go accept for memory and cpus', () => {
    const text = toml('[[runners]]', 'executor = "docker"', '[runners.docker]', 'memory = "1.5g"', 'cpus = "0.5"');
    expect(load(text).runners[0]!.docker).toMatchObject({ memory: '1.5g', cpus: '0.5' });
    expect(() => load(toml('[[runners]]', 'executor = "docker"', '[runners.docker]', 'memory = "512MiB"', 'cpus = "3/2"'))).not.toThrow();
  });
});
