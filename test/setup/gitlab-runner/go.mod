// Builds the real GitLab Runner for the round-trip test against glci's coordinator double (see
// ./build.sh and ./README.md). gitlab-runner's own go.mod points its nested
// helpers/runner_wrapper/api module at a local directory with a replace line, which does not apply
// to a module that depends on it, and its v1x.y.z tags are not valid versions for a module path
// without a /vN suffix: so the runner is required at the tag's commit as a pseudo-version, and
// the nested module at the version that go.mod requires.
module glci/testbed/gitlab-runner

go 1.26

require (
	gitlab.com/gitlab-org/gitlab-runner v1.11.1-0.20260903214710-fc1f1862bd91
	gitlab.com/gitlab-org/gitlab-runner/helpers/runner_wrapper/api v0.1.1
)

tool gitlab.com/gitlab-org/gitlab-runner
