/**
 * The README's code blocks, read at test time: the packaging test runs what
 * the README shows, so the README cannot drift from the package.
 */
import * as fs from 'fs';
import * as path from 'path';

const README = path.resolve(__dirname, '../../README.md');

/** The first ```language block under the heading `## section`. */
export function readmeBlock(section: string, language: string): string {
  const text = fs.readFileSync(README, 'utf8');
  const start = text.indexOf(`\n## ${section}\n`);
  if (start < 0) throw new Error(`README.md has no section '## ${section}'.`);
  const end = text.indexOf('\n## ', start + 1);
  const body = text.slice(start, end < 0 ? undefined : end);
  const block = new RegExp('^```' + language + '\\n([\\s\\S]*?)^```', 'm').exec(body);
  if (block == null) throw new Error(`README.md's '## ${section}' has no \`\`\`${language} block.`);
  return block[1];
}

/**
 * The same code as CommonJS: each `import * as name from 'module';` becomes
 * `const name = require('module');`. Any other import form is an error, so
 * the README keeps to what both module systems run.
 */
export function toCommonJS(esModuleCode: string): string {
  return esModuleCode.split('\n').map(line => {
    if (!/^\s*import\b/.test(line)) return line;
    const namespaceImport = /^import \* as (\w+) from '([^']+)';(.*)$/.exec(line);
    if (namespaceImport == null) {
      throw new Error(`README.md's usage block may import only as \`import * as name from 'module';\`, ` +
                      `but has: ${line}`);
    }
    const [, name, module, rest] = namespaceImport;
    return `const ${name} = require('${module}');${rest}`;
  }).join('\n');
}
