// One `[[runners.docker.services]]` or `[[runners.kubernetes.services]]` entry of config.toml. Types only.
export interface ConfigService {
  name: string;
  /** `alias` split on commas and whitespace, in order. */
  aliases: string[];
  command: string[];
  entrypoint: string[];
  /** `environment = ["K=V"]`, in order. */
  environment: { key: string; value: string }[];
}
