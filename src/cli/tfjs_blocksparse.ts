#!/usr/bin/env node
/**
 * The package's command, `npx tfjs-blocksparse <command>`:
 *
 *   build-native [--tfjs-node <package name or directory>]
 *       Builds the native kernels from the sources shipped in the package,
 *       with node-gyp, against the libtensorflow of the installed
 *       @tensorflow/tfjs-node (or -node-gpu): for platforms without a
 *       prebuilt binary (see README "Install"). The result lies beside the
 *       sources, where the package looks first.
 *   info
 *       Loads tfjs-node and prints what `tfbs.nativeKernels()` reports.
 */
import {execFileSync} from 'child_process';

import {buildNative, BuildNativeOptions} from './build_native';
import {packageRoot} from './package_root';

const USAGE = `Usage: npx tfjs-blocksparse <command>
Commands:
  build-native [--tfjs-node <package or directory>]
      build the native kernels for this platform against the installed
      @tensorflow/tfjs-node or @tensorflow/tfjs-node-gpu
  info
      print which kernels block-sparse ops run on the 'tensorflow' backend`;

function parseBuildOptions(args: string[]): BuildNativeOptions {
  const options: BuildNativeOptions = {};
  for (let i = 0; i < args.length; ++i) {
    if (args[i] === '--tfjs-node' && i + 1 < args.length) {
      options.tfjsNode = args[++i];
    } else {
      throw new Error(`build-native takes only --tfjs-node <package or directory>, but got '${args[i]}'.`);
    }
  }
  return options;
}

function info(): void {
  const root = packageRoot();
  const script = `
    const tfjsNode = process.argv[1];
    require(tfjsNode);
    const tfbs = require(process.argv[2]);
    console.log(JSON.stringify(tfbs.nativeKernels(), null, 2));`;
  const tfjsNode = ['@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'].find(name => {
    try {
      require.resolve(name, {paths: [process.cwd(), root]});
      return true;
    } catch {
      return false;
    }
  });
  if (tfjsNode == null) throw new Error('Neither @tensorflow/tfjs-node nor @tensorflow/tfjs-node-gpu is installed.');
  const tfjsNodeMain = require.resolve(tfjsNode, {paths: [process.cwd(), root]});
  execFileSync(process.execPath, ['-e', script, tfjsNodeMain, root],
               {stdio: 'inherit', env: {TF_CPP_MIN_LOG_LEVEL: '2', ...process.env}});
}

function main(argv: string[]): void {
  const [command, ...args] = argv;
  switch (command) {
    case 'build-native':
      buildNative(parseBuildOptions(args));
      return;
    case 'info':
      info();
      return;
    case undefined:
    case '--help':
    case '-h':
      console.log(USAGE);
      return;
    default:
      throw new Error(`Unknown command '${command}'.\n${USAGE}`);
  }
}

try {
  main(process.argv.slice(2));
} catch (error) {
  console.error(`tfjs-blocksparse: ${(error as Error).message}`);
  process.exit(1);
}
