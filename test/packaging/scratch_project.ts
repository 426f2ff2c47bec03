/**
 * The package as a user gets it: `npm pack` of this checkout (which runs
 * `prepare`, so the build), installed from the tarball into an empty project
 * in a temp dir with the README's install command.
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
  /** Runs a command in the project; returns its stdout, throws with its output on failure. */
  run(command: string, args: string[]): string;
}

function runIn(dir: string, command: string, args: string[]): string {
  const options: ExecFileSyncOptions = {cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'],
                                        maxBuffer: 64 << 20};
  try {
    return execFileSync(command, args, options) as string;
  } catch (error) {
    const {stdout, stderr} = error as {stdout?: string, stderr?: string};
    throw new Error(`'${command} ${args.join(' ')}' failed in ${dir}:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
}

/** Packs this checkout into `destination`; returns the tarball's path. */
export function packPackage(destination: string): string {
  runIn(ROOT, 'npm', ['pack', '--pack-destination', destination]);
  const tarballs = fs.readdirSync(destination).filter(file => file.endsWith('.tgz'));
  if (tarballs.length !== 1) {
    throw new Error(`npm pack should leave one .tgz in ${destination}, but left ${tarballs.join(', ') || 'none'}.`);
  }
  return path.join(destination, tarballs[0]);
}

/**
 * `installCommand` is the README's (`npm install tfjs-blocksparse ...`); the
 * package name in it is replaced by the tarball, `extraPackages` are added.
 */
export function createScratchProject(installCommand: string, extraPackages: string[] = []): ScratchProject {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfbs-packaging-'));
  const tarball = packPackage(dir);
  fs.writeFileSync(path.join(dir, 'package.json'),
                   JSON.stringify({name: 'tfbs-packaging-scratch', version: '0.0.0', private: true}, null, 2));
  const [npm, install, ...packages] = installCommand.trim().split(/\s+/);
  if (npm !== 'npm' || install !== 'install' || !packages.includes(PACKAGE_NAME)) {
    throw new Error(`The install command should be 'npm install ${PACKAGE_NAME} ...', but got '${installCommand}'.`);
  }
  const toInstall = [...packages.map(name => name === PACKAGE_NAME ? tarball : name), ...extraPackages];
  runIn(dir, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...toInstall]);
  return {dir, tarball, run: (command, args) => runIn(dir, command, args)};
}
