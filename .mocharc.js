// One conformance suite for every backend (test/conformance, test/layout,
// test/layers), plus the specs of the backend under test (test/<backend>/):
// backend-specific specs are not loaded elsewhere rather than skipped.
const fs = require('fs');

const backend = process.env.TFJS_BACKEND || 'cpu';
const spec = ['test/conformance', 'test/layout', 'test/layers']
    .map(dir => `${dir}/**/*.spec.ts`);
if (fs.existsSync(`test/${backend}`)) spec.push(`test/${backend}/**/*.spec.ts`);

module.exports = {
  require: ['ts-node/register/transpile-only', 'test/setup/root_hooks.ts'],
  spec,
  extension: ['ts'],
  timeout: 120000,
  reporter: 'spec',
};
