// Preloaded with `node --import` into a measured process: on exit, appends the process's peak RSS
// (kilobytes, from the kernel's rusage) to the file named by BENCH_RSS_FILE. Works for any Node program.
import { appendFileSync } from 'node:fs';

const file = process.env.BENCH_RSS_FILE;
if (file) {
  process.on('exit', () => {
    appendFileSync(file, `${process.resourceUsage().maxRSS}\n`);
  });
}
