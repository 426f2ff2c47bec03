/**
 * The `<command> [options]` entry point of the example CLIs (sentiment,
 * charlm): runs the subcommand named by the first argument with the rest,
 * or prints the usage and exits 2 for an unknown one; an error exits 1 with
 * its message, which is what a user needs (DEBUG=1 adds the stack).
 *
 * ```ts
 * runSubcommands(USAGE, new Map([['train', train], ['sample', sample]]));
 * ```
 */
export type Subcommand = (args: string[]) => Promise<void>;

export function runSubcommands(usage: string, commands: Map<string, Subcommand>): void {
  const [command, ...args] = process.argv.slice(2);
  const run = commands.get(command ?? '');
  if (run == null) {
    console.error(`${usage}\n  got command '${command ?? ''}'.`);
    process.exit(2);
  }
  run(args).catch(error => {
    console.error(error instanceof Error ? (process.env.DEBUG ? error.stack : error.message) : error);
    process.exit(1);
  });
}
