import { describe, expect, it } from 'vitest';
import { createProcessLog, formatProcessLine } from '../../src/log/process-log.js';

const time = new Date('2026-12-02T10:00:00.000Z');

describe('runner process log', () => {
  it('pads the message and sorts the fields in the runner format', () => {
    const line = formatProcessLine('runner', 'info', 'Checking for jobs... received', { runner: 'abcd1234', job: 7, repo_url: 'http://127.0.0.1/g/p.git' }, time);
    expect(line).toBe('Checking for jobs... received                 job=7 repo_url=http://127.0.0.1/g/p.git runner=abcd1234\n');
  });

  it('writes logrus text and JSON records', () => {
    expect(formatProcessLine('text', 'warn', 'Job failed', { reason: 'exit code 1' }, time)).toBe(
      'time="2026-12-02T10:00:00.000Z" level=warning msg="Job failed" reason="exit code 1"\n',
    );
    expect(formatProcessLine('json', 'info', 'Job succeeded', { job: 3, duration_s: 1.5 }, time)).toBe(
      '{"duration_s":1.5,"job":3,"level":"info","msg":"Job succeeded","time":"2026-12-02T10:00:00.000Z"}\n',
    );
  });

  it('drops lines below the level and prefixes warnings in the runner format', () => {
    const lines: string[] = [];
    const log = createProcessLog((line) => lines.push(line), { format: 'runner', level: 'info', now: () => time });
    log.debug('hidden');
    log.warn('Checking for jobs... forbidden', { runner: 'x' });
    expect(lines).toEqual([`${'WARNING: Checking for jobs... forbidden'.padEnd(44)}  runner=x\n`]);
  });
});
