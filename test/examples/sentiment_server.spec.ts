/**
 * The sentiment page's server (examples/sentiment/serve.ts) on port 0:
 * serves files under its mounts, refuses paths that climb out of them (404),
 * and answers a malformed URL with 400 and keeps serving. It needs no
 * backend, so only the cpu run (`npm run test:cpu`) loads test/examples/.
 */
import * as fs from 'fs';
import * as http from 'http';
import {AddressInfo} from 'net';
import * as os from 'os';
import * as path from 'path';
import {expect} from 'chai';

import {startServer} from '../../examples/sentiment/serve';

const SECRET = 'content of a file outside every mount';

interface Reply {
  status: number;
  body: string;
}

/** GET with the path sent exactly as written (no normalisation by a URL parser). */
function get(server: http.Server, rawPath: string): Promise<Reply> {
  const {port} = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    http.get({host: '127.0.0.1', port, path: rawPath}, response => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', chunk => body += chunk);
      response.on('end', () => resolve({status: response.statusCode ?? 0, body}));
    }).on('error', reject);
  });
}

describe('sentiment example: web server', () => {
  let server: http.Server;
  let root: string;

  before(async () => {
    // data/ and models/ side by side, with a secret next to them that no URL may reach.
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'tfbs-serve-'));
    for (const dir of ['data', 'models']) fs.mkdirSync(path.join(root, dir));
    fs.writeFileSync(path.join(root, 'data', 'train.tsv'), 'sentence\tlabel\ngood\t1\n');
    fs.writeFileSync(path.join(root, 'secret.txt'), SECRET);
    server = await startServer({port: 0, dataDir: path.join(root, 'data'), modelsDir: path.join(root, 'models')});
  });

  after(() => {
    server?.close();
    fs.rmSync(root, {recursive: true, force: true});
  });

  it('serves a file under /data/', async () => {
    expect(await get(server, '/data/train.tsv')).to.deep.equal({status: 200, body: 'sentence\tlabel\ngood\t1\n'});
  });

  for (const attempt of ['/data/../secret.txt', '/data/%2e%2e/secret.txt', '/data/..%2fsecret.txt',
    '/models/%2E%2E%2Fsecret.txt', '/%2e%2e/%2e%2e/package.json', '/data/%2e%2e%2f%2e%2e%2fpackage.json']) {
    it(`refuses ${attempt} with 404`, async () => {
      const reply = await get(server, attempt);
      expect(reply.status).to.equal(404);
      expect(reply.body).not.to.contain(SECRET);
    });
  }

  it('answers a malformed URL (/%E0%A4%A) with 400 and keeps serving', async () => {
    const reply = await get(server, '/%E0%A4%A');
    expect(reply.status).to.equal(400);
    expect(reply.body).to.contain('malformed URL');
    expect((await get(server, '/data/train.tsv')).status).to.equal(200);
  });
});
