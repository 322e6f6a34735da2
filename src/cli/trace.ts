/**
 * Trace lines on stderr: one line each, `time level port message | hex`, so they stay out of the
 * readings on stdout and can be filtered with grep. `onlyPort` keeps one port's lines (`-p`).
 */
import { LEVEL_NAMES, type TraceLine, type TraceSink } from '../core/logger';

export function formatTraceLine(line: TraceLine): string {
  const level = LEVEL_NAMES[line.level] ?? String(line.level);
  const dir = line.dir ? ` ${line.dir}` : '';
  const hex = line.hex ? ` | ${line.hex}` : '';
  return `${new Date(line.ts).toISOString()} ${level.padEnd(7)} [${line.port}]${dir} ${line.message}${hex}\n`;
}

export function stderrTraceSink(write: (text: string) => void, onlyPort?: string): TraceSink {
  return (line) => {
    if (onlyPort !== undefined && line.port !== onlyPort) return;
    write(formatTraceLine(line));
  };
}
