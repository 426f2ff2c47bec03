/**
 * Debian's headless chromium driven by playwright-core, with the flags that
 * give it a working WebGPU (SwiftShader over Vulkan) on a machine with no GPU
 * and keep it off the network.
 */
import * as fs from 'fs';
import {Browser, chromium} from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_FLAGS = [
  '--enable-unsafe-webgpu', '--enable-features=Vulkan', '--use-vulkan=swiftshader', '--use-angle=swiftshader',
  '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic',
];

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) {
    throw new Error(`No chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install chromium), as .ci/run does.`);
  }
  return chromium.launch({executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS});
}
