// Failures shared by the benchmarks: one broken tool or case is recorded and reported at the end, so it
// does not hide the other figures.

/** Runs `fn`, turning a failure into an entry of `failures` (and the result into null). */
export function attempt(label, failures, fn) {
  try {
    return fn();
  } catch (err) {
    failures.push(`${label}: ${err instanceof Error ? err.message : String(err)}`);
    return null;
  }
}

/** Prints every failure on stderr and sets exit status 1 when there is any. */
export function reportFailures(failures) {
  for (const f of failures) process.stderr.write(`\nFAILED ${f}\n`);
  if (failures.length > 0) process.exitCode = 1;
}
