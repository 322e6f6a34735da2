/**
 * Exit codes of `meterscope` (DESIGN §4). A module of their own so `--version` and `--help` do not load
 * the reader (run.ts and the whole engine) just to return 0.
 */
export const EXIT_OK = 0;
export const EXIT_READ_FAILED = 1;
export const EXIT_USAGE = 2;
