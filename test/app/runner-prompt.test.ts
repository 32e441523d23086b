import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { createTerminalPrompter, PROMPTS, valueOrAsk } from '../../src/app/runner-prompt.js';

function streams(answers: string) {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (chunk: Buffer) => { shown += chunk.toString(); });
  input.end(answers);
  return { input, output, shown: () => shown };
}

it('asks on the output, shows a default as [value]: and asks again after an empty answer', async () => {
  const io = streams('\n  https://gitlab.example/  \nhost\n');
  const prompter = createTerminalPrompter(io.input, io.output);
  expect(await valueOrAsk(undefined, prompter, { flag: '--url', question: PROMPTS.url })).toBe('https://gitlab.example/');
  expect(await valueOrAsk(undefined, prompter, { flag: '--name', question: PROMPTS.name, defaultValue: 'h1' })).toBe('host');
  expect(await valueOrAsk('given', prompter, { flag: '--executor', question: 'unused' })).toBe('given');
  await expect(prompter.ask('more?')).rejects.toThrow('Unexpected EOF. Did you mean to use --non-interactive?');
  prompter.close();
  expect(io.shown()).toBe(`${PROMPTS.url}\n${PROMPTS.url}\n${PROMPTS.name}\n[h1]: more?\n`);
});

it('without a prompter: the default, or a usage error naming the flag', async () => {
  expect(await valueOrAsk(undefined, undefined, { flag: '--name', question: PROMPTS.name, defaultValue: 'h1' })).toBe('h1');
  expect(await valueOrAsk(undefined, undefined, { flag: '--tag-list', question: PROMPTS.tagList, optional: true })).toBe('');
  await expect(valueOrAsk('  ', undefined, { flag: '--url', question: PROMPTS.url })).rejects.toMatchObject({ kind: 'usage', message: '--url is required with --non-interactive or without a terminal' });
});
