/**
 * Keeps TensorFlow's C++ log lines out of a command's output. Most of them
 * obey TF_CPP_MIN_LOG_LEVEL, which startNodeBackend sets (node_backends.ts),
 * but libtensorflow (2.21) logs two lines while it is being loaded, before it
 * reads that variable: absl's "WARNING: All log messages before
 * absl::InitializeLog() ..." and the oneDNN notice. Node cannot redirect its
 * own stderr, so a command that wants none of them runs itself again as a
 * child whose stderr goes through a line filter, and waits for it.
 *
 *   const exitCode = await rerunWithoutTensorflowLogs();
 *   if (exitCode !== undefined) { process.exitCode = exitCode; return; }  // the child did the work
 */
import {spawn} from 'child_process';
import {Transform} from 'stream';

/** Set in the child: 'tty' when the parent's stderr is a terminal, else 'pipe'. */
const CHILD_MARK = 'TFJS_BLOCKSPARSE_FILTERED_STDERR';

/** absl's early warning, and log lines like "I0000 00:00:1795425247.297348   13019 port.cc:153] ...". */
const TENSORFLOW_LOG_LINE =
    /^(WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR|[IWEF]\d{4} [\d:.]+ +\d+ [\w.-]+:\d+\] )/;
/** A partial line that may still become one of those (held until its newline). */
const MAYBE_TENSORFLOW_LOG = /^(W|[IWEF]\d)/;

/** Whether stderr is a terminal, also in the filtered child, whose stderr is a pipe to its parent. */
export function stderrIsTerminal(): boolean {
  return process.stderr.isTTY === true || process.env[CHILD_MARK] === 'tty';
}

/** Drops TensorFlow's log lines; passes everything else through as soon as it is known not to be one. */
export function tensorflowLogFilter(): Transform {
  let pending = '';
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const lines = (pending + chunk.toString('utf8')).split('\n');
      pending = lines.pop()!;
      let out = lines.filter(line => !TENSORFLOW_LOG_LINE.test(line)).map(line => line + '\n').join('');
      // Progress bars redraw with '\r' and no newline: let them through at once.
      if (pending !== '' && !MAYBE_TENSORFLOW_LOG.test(pending)) {
        out += pending;
        pending = '';
      }
      done(null, out);
    },
    flush(done) {
      done(null, TENSORFLOW_LOG_LINE.test(pending) ? '' : pending);
    },
  });
}

/**
 * In the command as started: runs it again as a child with TensorFlow's log
 * lines filtered out of its stderr, and resolves to the child's exit code.
 * In that child (or when the user set TF_CPP_MIN_LOG_LEVEL, choosing what to
 * see): resolves to undefined at once, and the command goes on as usual.
 */
export function rerunWithoutTensorflowLogs(): Promise<number|undefined> {
  if (process.env[CHILD_MARK] != null || process.env.TF_CPP_MIN_LOG_LEVEL != null) {
    return Promise.resolve(undefined);
  }
  // execArgv carries the TypeScript loader: ts-node puts itself there for child processes.
  const child = spawn(process.execPath, [...process.execArgv, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'pipe'],
    env: {...process.env, [CHILD_MARK]: process.stderr.isTTY ? 'tty' : 'pipe'},
  });
  child.stderr!.pipe(tensorflowLogFilter()).pipe(process.stderr, {end: false});
  // Ctrl-C reaches both processes from the terminal: the child decides, the
  // parent waits for it. A signal sent to the parent alone is passed on.
  const ignore = () => undefined;
  const passOn = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', ignore);
  process.on('SIGTERM', passOn);
  process.on('SIGHUP', passOn);
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      process.off('SIGINT', ignore);
      process.off('SIGTERM', passOn);
      process.off('SIGHUP', passOn);
      resolve(code ?? (signal != null ? 1 : 0));
    });
  });
}
