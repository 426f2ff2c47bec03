/**
 * The package as a user gets it: `npm pack` of this checkout (which runs
 * `prepare`, the build, and `prepack`, the prebuilt native addon), installed
 * from the tarball into an empty project in a temp dir with the README's
 * install command. Shared by the packaging tests and the installed-package
 * benchmark (bench/installed.ts).
 */
import {execFileSync, ExecFileSyncOptions} from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const PACKAGE_NAME = 'tfjs-blocksparse';

export interface ScratchProject {
  /** The project's directory; node_modules/tfjs-blocksparse is the installed package. */
  dir: string;
  tarball: string;
  /** The installed package's directory. */
  installed: string;
  /** Runs a command in the project; returns its stdout, throws with its output on failure. */
  run(command: string, args: string[], env?: NodeJS.ProcessEnv): string;
  /** Deletes the project. */
  remove(): void;
}

export function runIn(dir: string, command: string, args: string[], env?: NodeJS.ProcessEnv): string {
  const options: ExecFileSyncOptions = {cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
                                        maxBuffer: 64 << 20, env: {...process.env, ...env}};
  try {
    return execFileSync(command, args, options) as string;
  } catch (error) {
    const {stdout, stderr} = error as {stdout?: string, stderr?: string};
    throw new Error(`'${command} ${args.join(' ')}' failed in ${dir}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

let packed: string|undefined;

/** Packs this checkout once per process; returns the tarball's path. */
export function packPackage(): string {
  if (packed !== undefined && fs.existsSync(packed)) return packed;
  const destination = fs.mkdtempSync(path.join(os.tmpdir(), 'tfbs-pack-'));
  runIn(ROOT, 'npm', ['pack', '--pack-destination', destination]);
  const tarballs = fs.readdirSync(destination).filter(file => file.endsWith('.tgz'));
  if (tarballs.length !== 1) {
    throw new Error(`npm pack should leave one .tgz in ${destination}, but left ${tarballs.join(', ') || 'none'}.`);
  }
  packed = path.join(destination, tarballs[0]);
  process.once('exit', () => fs.rmSync(destination, {recursive: true, force: true}));
  return packed;
}

/**
 * `installCommand` is the README's (`npm install tfjs-blocksparse ...`); the
 * package name in it is replaced by the tarball, `extraPackages` are added.
 */
export function createScratchProject(installCommand: string, extraPackages: string[] = []): ScratchProject {
  const tarball = packPackage();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfbs-packaging-'));
  // tfjs-node's install script downloads libtensorflow from a host this
  // machine cannot reach; stageTensorflow() gives it one instead. npm 11
  // reads allowScripts (as this checkout's package.json does).
  const allowScripts = {'@tensorflow/tfjs-node': false, '@tensorflow/tfjs-node-gpu': false};
  fs.writeFileSync(path.join(dir, 'package.json'),
                   JSON.stringify({name: 'tfbs-packaging-scratch', version: '0.0.0', private: true, allowScripts},
                                  null, 2));
  const [npm, install, ...packages] = installCommand.trim().split(/\s+/);
  if (npm !== 'npm' || install !== 'install' || !packages.includes(PACKAGE_NAME)) {
    throw new Error(`The install command should be 'npm install ${PACKAGE_NAME} ...', but got '${installCommand}'.`);
  }
  const toInstall = [...packages.map(name => name === PACKAGE_NAME ? tarball : name), ...extraPackages];
  try {
    runIn(dir, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...toInstall]);
  } catch (error) {
    fs.rmSync(dir, {recursive: true, force: true});
    throw error;
  }
  return {
    dir,
    tarball,
    installed: path.join(dir, 'node_modules', PACKAGE_NAME),
    run: (command, args, env) => runIn(dir, command, args, env),
    remove: () => fs.rmSync(dir, {recursive: true, force: true}),
  };
}

/** A libtensorflow for tfjs-node, staged from a PyPI wheel by scripts/setup-tfjs-node.sh. */
export interface TensorflowStaging {
  /** @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu. */
  tfjsNode: string;
  /** The PyPI wheel and its version: tensorflow-cpu 2.21.0, tensorflow-cpu 2.9.1, tensorflow 2.21.0 (CUDA). */
  wheel: string;
  wheelVersion: string;
}

export const TFJS_NODE_VERSION = '4.22.0';

/**
 * Gives the project's tfjs-node (installed without its install script, whose
 * download host users reach and this machine does not) the libtensorflow a
 * user's install would have, from the checkout's wheel cache, as
 * `npm test` does for the checkout itself.
 */
export function stageTensorflow(project: ScratchProject, staging: TensorflowStaging): void {
  runIn(project.dir, 'bash', [path.join(ROOT, 'scripts', 'setup-tfjs-node.sh')], {
    TFJS_NODE_PACKAGE: staging.tfjsNode,
    TFJS_NODE_VERSION,
    TF_WHEEL_PACKAGE: staging.wheel,
    TF_WHEEL_VERSION: staging.wheelVersion,
    TF_CACHE_DIR: path.join(ROOT, '.cache', 'tf-wheel'),
  });
}
