// [runners.cache] as GitLab Runner's config.toml writes it (cacheconfig.go keys, CamelCase).
import { describe, expect, it } from 'vitest';
import { describeRunnerConfig, redactRunnerConfig } from '../../src/runner-config/describe.js';
import { errorsOf, load, toml, warningsOf } from './support.js';

const RUNNER = ['[[runners]]', '  name = "r"', '  executor = "shell"'];

describe('[runners.cache]', () => {
  it('reads an s3 cache with every key glci uses', () => {
    const config = load(toml(
      ...RUNNER,
      '  [runners.cache]', '    Type = "s3"', '    Path = "team"', '    Shared = true', '    MaxUploadedArchiveSize = 1048576',
      '    [runners.cache.s3]', '      ServerAddress = "s3.example.com:9000"', '      AccessKey = "AK"', '      SecretKey = "SK"',
      '      BucketName = "runner-cache"', '      BucketLocation = "eu-west-1"', '      Insecure = true', '      AuthenticationType = "access-key"',
    ));
    expect(config.warnings).toEqual([]);
    expect(config.runners[0]!.cache).toEqual({
      type: 's3', path: 'team', shared: true, maxUploadedArchiveSize: 1048576,
      s3: {
        serverAddress: 's3.example.com:9000', accessKey: 'AK', secretKey: 'SK', sessionToken: '', bucketName: 'runner-cache',
        bucketLocation: 'eu-west-1', insecure: true, authenticationType: 'access-key',
      },
    });
    expect(config.ignored).not.toContain('runners[0].cache');
  });

  it("keeps GitLab Runner's defaults for unset keys, and a runner without the table has no cache", () => {
    const config = load(toml(...RUNNER, '  [runners.cache]', '    MaxUploadedArchiveSize = 0', '[[runners]]', '  executor = "shell"'));
    expect(config.runners[0]!.cache).toEqual({ type: '', path: '', shared: false, maxUploadedArchiveSize: 0 });
    expect(config.runners[1]!.cache).toBeUndefined();
    expect(config.warnings).toEqual([]);
  });

  it('parses gcs and azure sections and says they are not supported yet', () => {
    const gcs = load(toml(...RUNNER, '  [runners.cache]', '    Type = "gcs"', '    [runners.cache.gcs]', '      BucketName = "g"', '      CredentialsFile = "/k.json"'));
    expect(gcs.runners[0]!.cache).toMatchObject({ type: 'gcs', gcs: { bucketName: 'g' } });
    expect(warningsOf(gcs)).toEqual(['5: runners[0].cache.Type "gcs": the gcs cache is not supported by glci yet; jobs use the local cache']);
    const azure = load(toml(...RUNNER, '  [runners.cache]', '    Type = "azure"', '    [runners.cache.azure]', '      AccountName = "a"', '      ContainerName = "c"'));
    expect(azure.runners[0]!.cache).toMatchObject({ type: 'azure', azure: { containerName: 'c' } });
    expect(warningsOf(azure)).toEqual(['5: runners[0].cache.Type "azure": the azure cache is not supported by glci yet; jobs use the local cache']);
  });

  it('warns when an s3 cache cannot be used', () => {
    expect(warningsOf(load(toml(...RUNNER, '  [runners.cache]', '    Type = "s3"')))).toEqual([
      '5: runners[0].cache.Type "s3" needs a [runners.cache.s3] table: jobs use the local cache',
    ]);
    expect(warningsOf(load(toml(...RUNNER, '  [runners.cache]', '    Type = "s3"', '    [runners.cache.s3]', '      ServerAddress = "x"')))).toEqual([
      '6: runners[0].cache.s3 has no BucketName: jobs use the local cache',
    ]);
  });

  it('reports wrong values at FILE:LINE:COLUMN, all at once', () => {
    expect(errorsOf(toml(
      ...RUNNER, '  [runners.cache]', '    Type = "s4"', '    Shared = "yes"', '    MaxUploadedArchiveSize = -1',
      '    [runners.cache.s3]', '      Insecure = 1', '      AuthenticationType = "token"',
    ))).toEqual([
      'config.toml:5:5: runners[0].cache.Type "s4" is not a cache type GitLab Runner knows (s3, gcs, azure, or empty for the local cache) (did you mean s3?)',
      'config.toml:6:5: runners[0].cache.Shared must be a boolean (true or false), not "yes"',
      'config.toml:7:5: runners[0].cache.MaxUploadedArchiveSize must be a size in bytes (0: no limit), not -1',
      'config.toml:9:7: runners[0].cache.s3.Insecure must be a boolean (true or false), not 1',
      'config.toml:10:7: runners[0].cache.s3.AuthenticationType "token" must be access-key or iam',
    ]);
  });

  it('warns about unknown keys and notes AWS-only settings it does not apply', () => {
    const config = load(toml(
      ...RUNNER, '  [runners.cache]', '    Type = "s3"', '    Shraed = true', '    [runners.cache.s3]', '      BucketName = "b"',
      '      ServerSideEncryption = "KMS"', '      DualStack = false',
    ));
    expect(warningsOf(config)).toEqual([
      '6: unknown setting runners[0].cache.Shraed, ignored (did you mean Shared?)',
      '9: ignored by glci (GitLab Runner settings glci does not apply): runners[0].cache.s3.ServerSideEncryption',
    ]);
  });
});

describe('glci config show of [runners.cache]', () => {
  it('never shows the S3 secret or session token', () => {
    const config = load(toml(
      ...RUNNER, '  [runners.cache]', '    Type = "s3"', '    [runners.cache.s3]', '      BucketName = "b"',
      '      AccessKey = "AK"', '      SecretKey = "TOPSECRETKEY123"', '      SessionToken = "SESSIONTOKEN456"',
    ));
    const shown = redactRunnerConfig(config);
    expect(shown.runners[0]!.cache?.s3).toMatchObject({ accessKey: 'AK', secretKey: '[REDACTED]', sessionToken: '[REDACTED]' });
    const text = JSON.stringify(shown) + describeRunnerConfig(shown);
    expect(text).not.toMatch(/TOPSECRE|SESSIONTO/);
    expect(config.runners[0]!.cache?.s3?.secretKey).toBe('TOPSECRETKEY123');
  });
});
