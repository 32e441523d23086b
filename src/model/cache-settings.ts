// `[runners.cache]`: GitLab Runner's distributed cache (runner-behavior.md §9.5, GitLab Runner's
// cache/cacheconfig/cacheconfig.go). Field names are camelCase forms of the TOML keys. Types only.

/** `[runners.cache.s3]`. */
export interface CacheS3Settings {
  /** `host[:port]`; empty: AWS's endpoint of `bucketLocation`. */
  serverAddress: string;
  /** Empty with `secretKey` empty: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) are used. */
  accessKey: string;
  secretKey: string;
  sessionToken: string;
  bucketName: string;
  /** The bucket's region; empty: us-east-1. */
  bucketLocation: string;
  /** Plain http instead of https. */
  insecure: boolean;
  /** `access-key`, `iam` or empty (GitLab Runner picks by whether keys are set). */
  authenticationType: string;
}

/** `[runners.cache.gcs]`: read so a team's file loads; glci cannot use it yet. */
export interface CacheGcsSettings {
  bucketName: string;
}

/** `[runners.cache.azure]`: read so a team's file loads; glci cannot use it yet. */
export interface CacheAzureSettings {
  containerName: string;
}

export interface CacheSettings {
  /** `s3`, `gcs`, `azure`, or '' (local cache only). */
  type: '' | 's3' | 'gcs' | 'azure';
  /** Object-name prefix. */
  path: string;
  /** Drops `runner/<short token>/` from object names, so every runner of the bucket shares the caches. */
  shared: boolean;
  /** Bytes; 0: no limit. A larger archive is kept locally and not uploaded. */
  maxUploadedArchiveSize: number;
  s3?: CacheS3Settings;
  gcs?: CacheGcsSettings;
  azure?: CacheAzureSettings;
}
