/**
 * Exit codes of `meterscope` (DESIGN §4). A module of their own so `--version` and `--help` do not load
 * the reader (run.ts and the whole engine) just to return 0.
 */
export const EXIT_OK = 0;
export const EXIT_READ_FAILED = 1;
export const EXIT_USAGE = 2;
/** --mqtt: the broker refused the credentials or the client, or TLS failed; retrying cannot help. */
export const EXIT_BROKER_REFUSED = 3;
/** --mqtt --once: read and spooled, but the broker was not reached; the next run publishes them. */
export const EXIT_NOT_PUBLISHED = 4;
