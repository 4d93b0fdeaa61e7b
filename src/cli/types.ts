/** A CLI verb: one file per verb under src/cli/, registered in src/cli/index.ts. */
export interface Verb {
  name: string;
  /** One line for `bosun help`. */
  summary: string;
  usage: string;
  run(argv: string[]): Promise<number>;
}
