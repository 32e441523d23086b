// Preloaded with `node --import` by startup.test.ts: records every module URL the process resolves
// into the file named by RECORD_IMPORTS_FILE, so the test can prove start-up stays lean.
import { register } from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { appendFileSync } from 'node:fs';

const file = process.env.RECORD_IMPORTS_FILE;
if (file) {
  const { port1, port2 } = new MessageChannel();
  port1.on('message', (url) => appendFileSync(file, `${url}\n`));
  port1.unref();
  const hook = `
    let port;
    export function initialize(data) { port = data.port; }
    export async function resolve(specifier, context, next) {
      const result = await next(specifier, context);
      port.postMessage(result.url);
      return result;
    }`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`, { data: { port: port2 }, transferList: [port2] });
}
