// A promise with a deadline: engine calls against a TCP engine that never answers must not hang a
// command. One definition for the engine probes of run, doctor and clean.

/** `call`, or a rejection with `message` once `ms` have passed; the timer never outlives the call. */
export function withTimeout<T>(call: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}
