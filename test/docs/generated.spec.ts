/**
 * The tables between GENERATED markers in the README and docs are what
 * `npm run bench:report` makes of the committed results: a figure cannot
 * drift from its data.
 */
import {expect} from 'chai';

import {report} from '../../bench/report';

describe('generated documentation', () => {
  it('matches the committed benchmark results', () => {
    expect(report(true), 'stale blocks; run npm run bench:report').to.deep.equal([]);
  });
});
