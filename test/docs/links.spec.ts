/**
 * Every relative link in the repository's markdown names a file or folder
 * that exists, so that moving or deleting a page cannot leave a dead link.
 */
import {expect} from 'chai';
import {execFileSync} from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');

function markdownFiles(): string[] {
  return execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '*.md'],
                      {cwd: ROOT, encoding: 'utf8'})
      .split('\n')
      .filter(file => file !== '' && fs.existsSync(path.join(ROOT, file)));
}

/** The targets of `[text](target)` and `![alt](target)` that are neither URLs nor anchors alone. */
function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/```[\s\S]*?```/g, '').replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)]
      .map(match => match[1].split('#')[0])
      .filter(target => target !== '' && !/^[a-z]+:/i.test(target));
}

describe('documentation links', () => {
  it('name files that exist', () => {
    const files = markdownFiles();
    expect(files).to.include('README.md');
    const dead: string[] = [];
    for (const file of files) {
      for (const target of relativeLinks(fs.readFileSync(path.join(ROOT, file), 'utf8'))) {
        if (!fs.existsSync(path.resolve(ROOT, path.dirname(file), target))) dead.push(`${file} -> ${target}`);
      }
    }
    expect(dead, `dead links:\n${dead.join('\n')}`).to.deep.equal([]);
  });
});
