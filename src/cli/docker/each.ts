/**
 * Applies `act` to each name in turn, printing the name on success and the daemon's error
 * otherwise, and goes on with the rest: docker's style for every multi-object verb. Exit code 1
 * if any failed. `ignore` drops errors the verb tolerates (e.g. NotFound under `-f`).
 */
export async function each(
  names: string[],
  act: (name: string) => Promise<void>,
  opts: { print?: boolean; ignore?: (err: unknown) => boolean } = {},
): Promise<number> {
  let code = 0;
  for (const n of names) {
    try {
      await act(n);
      if (opts.print ?? true) console.log(n);
    } catch (err) {
      if (opts.ignore?.(err)) continue;
      console.error(`Error response from daemon: ${(err as Error).message}`);
      code = 1;
    }
  }
  return code;
}
