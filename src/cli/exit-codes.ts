// The one table of exit statuses (DESIGN.md): every command ends with one of these.
import type { ErrorKind } from '../errors.js';

export const ExitCode = {
  success: 0,
  jobFailed: 1,
  usageOrConfig: 2,
  executorOrSystem: 3,
  interrupted: 130,
} as const;

export function exitCodeForErrorKind(kind: ErrorKind): number {
  switch (kind) {
    case 'usage':
    case 'config':
      return ExitCode.usageOrConfig;
    case 'executor':
    case 'system':
      return ExitCode.executorOrSystem;
    case 'interrupted':
      return ExitCode.interrupted;
  }
}
