// Labels on everything the docker executor creates, modelled on GitLab Runner's
// `com.gitlab.gitlab-runner.*` labels (runner-behavior.md §1.6) under glci's own prefix, so `glci clean`
// finds what a crashed run left behind and never touches a real runner's resources.
export const LABEL_PREFIX = 'org.glci';

export const LABELS = {
  /** `true` on every resource glci created. */
  managed: `${LABEL_PREFIX}.managed`,
  /** `build`, `service`, `wait`, `cache`, `builds`. */
  type: `${LABEL_PREFIX}.type`,
  pipelineId: `${LABEL_PREFIX}.pipeline.id`,
  jobId: `${LABEL_PREFIX}.job.id`,
  jobName: `${LABEL_PREFIX}.job.name`,
  jobSha: `${LABEL_PREFIX}.job.sha`,
  jobRef: `${LABEL_PREFIX}.job.ref`,
  jobTimeout: `${LABEL_PREFIX}.job.timeout`,
  /** CI_PROJECT_PATH of the project. */
  project: `${LABEL_PREFIX}.project.path`,
  /** Absolute path of the project on the host, to tell two checkouts of one project apart. */
  projectDir: `${LABEL_PREFIX}.project.dir`,
  /** Name of the `[[runners]]` entry. */
  runner: `${LABEL_PREFIX}.runner.name`,
  /** Process id of the glci run that created it (a run that is still alive is never cleaned). */
  pid: `${LABEL_PREFIX}.pid`,
  service: `${LABEL_PREFIX}.service`,
  serviceVersion: `${LABEL_PREFIX}.service.version`,
  /** Volumes: the container path they are mounted at. */
  destination: `${LABEL_PREFIX}.destination`,
  /** Volumes meant to persist across jobs (cache volumes): `true`. */
  reusable: `${LABEL_PREFIX}.reusable`,
} as const;

export type ResourceType = 'build' | 'service' | 'wait' | 'cache' | 'builds';

/** `label=value` filters for the engine's list calls. */
export function labelFilter(label: string, value?: string): string {
  return value === undefined ? label : `${label}=${value}`;
}
