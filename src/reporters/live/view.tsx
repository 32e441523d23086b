// The ink view: finished jobs, notices and the summary go to `<Static>` (printed once, kept in the
// scrollback), the live rows below are redrawn. The component holds no state of its own: the reporter
// owns the reducer's state and the selection and re-renders with new props.
import { Box, Static, Text, useInput, useStdin } from 'ink';
import type { Key } from 'ink';
import type { ReactElement } from 'react';
import { palette } from '../plain.js';
import { renderSummary } from '../summary.js';
import { type KeyAction, type Row, type UiState, liveRows } from './layout.js';
import type { LiveState, PrintedItem } from './state.js';
import { type Tone, describeResult } from './status.js';

export interface ViewProps {
  state: LiveState;
  ui: UiState;
  now: number;
  /** Terminal height: the live rows stay below it. */
  rows: number;
  color: boolean;
  onKey(action: KeyAction): void;
  /** q or Ctrl-C (raw mode delivers Ctrl-C as a key, not as SIGINT). */
  onInterrupt(): void;
}

const TONE_COLOR: Record<Tone, string | undefined> = { plain: undefined, active: 'cyan', good: 'green', bad: 'red', warn: 'yellow', dim: undefined };

export function View(props: ViewProps): ReactElement {
  const rows = liveRows(props.state, props.ui, props.now, props.rows, props.color);
  return (
    <>
      <Static items={[...props.state.printed]}>{(item) => <Printed key={item.key} item={item} color={props.color} />}</Static>
      <Box flexDirection="column">
        {rows.map((row) => (
          <LiveRow key={row.key} row={row} color={props.color} />
        ))}
      </Box>
      <Keys onKey={props.onKey} onInterrupt={props.onInterrupt} />
    </>
  );
}

function LiveRow({ row, color }: { row: Row; color: boolean }): ReactElement {
  const tint = color ? TONE_COLOR[row.tone] : undefined;
  return (
    <Text wrap="truncate-end" bold={color && row.bold === true} dimColor={color && row.tone === 'dim'} {...(tint ? { color: tint } : {})}>
      {row.text}
    </Text>
  );
}

function Printed({ item, color }: { item: PrintedItem; color: boolean }): ReactElement {
  switch (item.kind) {
    case 'header':
    case 'notice':
      return <Text>{item.text}</Text>;
    case 'summary':
      return (
        <Box marginTop={1}>
          <Text>{renderSummary(item.result, palette(color)).join('\n')}</Text>
        </Box>
      );
    case 'job': {
      const line = describeResult(item.result);
      const tint = color ? TONE_COLOR[line.tone] : undefined;
      return (
        <Text wrap="truncate-end">
          <Text {...(tint ? { color: tint } : {})}>{line.icon}</Text> {item.result.stage} › <Text bold={color}>{item.result.name}</Text> {line.text}
        </Text>
      );
    }
  }
}

/** Keys are read only when stdin can be put in raw mode (a terminal); otherwise Ctrl-C stays a signal. */
function Keys({ onKey, onInterrupt }: Pick<ViewProps, 'onKey' | 'onInterrupt'>): ReactElement | null {
  const { isRawModeSupported } = useStdin();
  useInput((input: string, key: Key) => {
    const action = actionOf(input, key);
    if (action === 'interrupt') onInterrupt();
    else if (action) onKey(action);
  }, { isActive: isRawModeSupported });
  return null;
}

function actionOf(input: string, key: Key): KeyAction | 'interrupt' | undefined {
  if (input === 'q' || (key.ctrl && input === 'c')) return 'interrupt';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.return) return 'enter';
  if (key.escape) return 'escape';
  return undefined;
}
