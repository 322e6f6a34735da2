/**
 * What the configuration may say but a browser cannot do. Web Serial opens a port with 7 or 8 data
 * bits only (its SerialOptions.dataBits); the command-line tool (serialport) also does 5 and 6. The
 * WCC Lite table allows 6..9, so a configuration valid for the CLI is refused here, at the field,
 * before any port is opened: a read that would fail later with an unclear port error never starts.
 */
import type { ConfigIssue, ValidationResult } from '../config/types';
import { isDemoPort } from '../sim/demo';

export const WEB_SERIAL_DATABITS: readonly number[] = [7, 8];

export function browserIssues(result: ValidationResult): ConfigIssue[] {
  if (!result.ok) return [];
  const issues: ConfigIssue[] = [];
  result.config.devices.forEach((d, i) => {
    // The demo meters sit on a memory wire, which takes any frame format.
    if (d.transport !== 'serial' || isDemoPort(d.device)) return;
    const bits = (d as { databits?: number }).databits;
    if (bits !== undefined && !WEB_SERIAL_DATABITS.includes(bits)) {
      issues.push({
        path: `devices[${i}].databits`,
        message: `${bits} data bits cannot be used in the browser: Web Serial opens ports with 7 or 8 only. The command-line tool (meterscope -c) can.`,
      });
    }
  });
  return issues;
}

/** A validation result with the browser's limits applied: refused, with every issue at its field. */
export function withBrowserLimits(result: ValidationResult): ValidationResult {
  const issues = browserIssues(result);
  return issues.length === 0 ? result : { ok: false, errors: issues };
}
