/** One figure printed by `npm run bench`. Benchmarks report, they never pass or fail. */
export interface BenchRow {
  name: string;
  value: number;
  unit: string;
  /** Optional context: target, inputs, what the ratio is against. */
  note?: string;
}

/** Every `bench/*.bench.ts` file exports `run()` returning its rows. */
export type BenchModule = { run(): Promise<BenchRow[]> };
