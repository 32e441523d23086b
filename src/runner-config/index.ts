// GitLab Runner's config.toml → typed runner settings (DESIGN.md `runner-config/`).
export { parseRunnerConfig } from './parse.js';
export { DEFAULT_RUNNER_NAME, defaultRunnerConfig } from './defaults.js';
export { describeRunnerConfig, redactRunnerConfig, redactToken } from './describe.js';
