export * from './server';
export * from './cli';
export * from './allowlist';
