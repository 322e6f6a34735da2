#!/usr/bin/env node
// The `meterscope` command. The CLI is TypeScript run through tsx's loader (no build step), the same
// way the tests and benchmarks run it.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/main.ts');
