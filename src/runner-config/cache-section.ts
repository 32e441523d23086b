// `[runners.cache]` → CacheSettings (runner-behavior.md §9.5; GitLab Runner's cache/cacheconfig/cacheconfig.go,
// https://docs.gitlab.com/runner/configuration/advanced-configuration/#the-runnerscache-section).
// Keys keep GitLab Runner's CamelCase. A cache glci cannot use (gcs, azure, an s3 one without its bucket)
// is a warning, never an error: GitLab Runner too runs such jobs, with the local cache.
import type { CacheAzureSettings, CacheGcsSettings, CacheS3Settings, CacheSettings } from '../model/cache-settings.js';
import type { TableSchema } from './schema.js';
import type { Section } from './section.js';
import { didYouMean } from './suggest.js';

export const CACHE_TYPES = ['s3', 'gcs', 'azure'] as const;

export const CACHE_SCHEMA: TableSchema = {
  read: ['Type', 'Path', 'Shared', 'MaxUploadedArchiveSize', 's3', 'gcs', 'azure'],
  // glci's job log never shows a signed query string, which is what RedactURL hides.
  ignored: ['RedactURL'],
  noted: [],
};

// Settings of AWS's own services (KMS, IAM roles, acceleration, virtual-host addressing): glci signs
// path-style URLs with static or environment credentials only.
const S3_NOTED = [
  'ServerSideEncryption', 'ServerSideEncryptionKeyID', 'Accelerate', 'RoleARN', 'UploadRoleARN', 'PathStyle',
];

export const CACHE_S3_SCHEMA: TableSchema = {
  read: ['ServerAddress', 'AccessKey', 'SecretKey', 'SessionToken', 'BucketName', 'BucketLocation', 'Insecure', 'AuthenticationType'],
  ignored: [...S3_NOTED, 'DualStack', 'AssumeRoleMaxConcurrency', 'DisableAssumeRoleCredentialsCaching'],
  noted: S3_NOTED,
};

export const CACHE_GCS_SCHEMA: TableSchema = {
  read: ['BucketName'],
  ignored: ['AccessID', 'PrivateKey', 'CredentialsFile', 'UniverseDomain'],
  noted: [],
};

export const CACHE_AZURE_SCHEMA: TableSchema = {
  read: ['ContainerName'],
  ignored: ['AccountName', 'AccountKey', 'StorageDomain'],
  noted: [],
};

const AUTH_TYPES = ['access-key', 'iam'];

/** `[runners.cache]` of one runner. */
export function readCache(s: Section): CacheSettings {
  s.checkKeys(CACHE_SCHEMA);
  const type = readType(s);
  const path = s.string('Path') ?? '';
  const shared = s.boolean('Shared', false);
  const maxUploadedArchiveSize = s.integer('MaxUploadedArchiveSize', 0);
  if (maxUploadedArchiveSize < 0) {
    const at = s.keyPath('MaxUploadedArchiveSize');
    s.error(at, `${at} must be a size in bytes (0: no limit), not ${maxUploadedArchiveSize}`);
  }
  const settings: CacheSettings = { type, path, shared, maxUploadedArchiveSize };
  const s3 = s.child('s3');
  if (s3) settings.s3 = readS3(s3);
  const gcs = s.child('gcs');
  if (gcs) settings.gcs = readGcs(gcs);
  const azure = s.child('azure');
  if (azure) settings.azure = readAzure(azure);
  checkUsable(s, settings);
  return settings;
}

function readType(s: Section): CacheSettings['type'] {
  const type = s.string('Type');
  if (type === undefined || type === '') return '';
  const known = CACHE_TYPES.find((t) => t === type);
  if (known) return known;
  const at = s.keyPath('Type');
  s.error(at, `${at} "${type}" is not a cache type GitLab Runner knows (${CACHE_TYPES.join(', ')}, or empty for the local cache)${didYouMean(type, CACHE_TYPES)}`);
  return '';
}

function readS3(s: Section): CacheS3Settings {
  s.checkKeys(CACHE_S3_SCHEMA);
  const authenticationType = s.string('AuthenticationType') ?? '';
  if (authenticationType !== '' && !AUTH_TYPES.includes(authenticationType.toLowerCase())) {
    const at = s.keyPath('AuthenticationType');
    s.error(at, `${at} "${authenticationType}" must be ${AUTH_TYPES.join(' or ')}${didYouMean(authenticationType, AUTH_TYPES)}`);
  }
  return {
    serverAddress: s.string('ServerAddress') ?? '',
    accessKey: s.string('AccessKey') ?? '',
    secretKey: s.string('SecretKey') ?? '',
    sessionToken: s.string('SessionToken') ?? '',
    bucketName: s.string('BucketName') ?? '',
    bucketLocation: s.string('BucketLocation') ?? '',
    insecure: s.boolean('Insecure', false),
    authenticationType: authenticationType.toLowerCase(),
  };
}

function readGcs(s: Section): CacheGcsSettings {
  s.checkKeys(CACHE_GCS_SCHEMA);
  return { bucketName: s.string('BucketName') ?? '' };
}

function readAzure(s: Section): CacheAzureSettings {
  s.checkKeys(CACHE_AZURE_SCHEMA);
  return { containerName: s.string('ContainerName') ?? '' };
}

/** Says, once at load, why a configured distributed cache will not be used. */
function checkUsable(s: Section, settings: CacheSettings): void {
  const at = s.has('Type') ? s.keyPath('Type') : s.path;
  if (settings.type === 'gcs' || settings.type === 'azure') {
    s.warn(at, `${at} "${settings.type}": the ${settings.type} cache is not supported by glci yet; jobs use the local cache`);
  } else if (settings.type === 's3' && !settings.s3) {
    s.warn(at, `${at} "s3" needs a [runners.cache.s3] table: jobs use the local cache`);
  } else if (settings.type === 's3' && settings.s3?.bucketName === '') {
    s.warn(s.keyPath('s3'), `${s.keyPath('s3')} has no BucketName: jobs use the local cache`);
  }
}

