import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_INDEX_DIR, validateConnectors } from '../src/index.js';

const VALID = join(import.meta.dirname, 'fixtures/_valid/acme');
const base = JSON.parse(readFileSync(join(VALID, 'metadata.json'), 'utf8'));
const published = (versions: object[]) =>
  JSON.stringify({ connectors: [{ id: 'acme', versions }] });
const v1 = {
  version: '1.0.0',
  supported_job_types: ['acme.run'],
  input_schema: base.input_schema,
};

let root: string;
let server: Server;
let url: string;
beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'jobforge-release-'));
  cpSync(VALID, join(root, 'acme'), { recursive: true });
  server = createServer((request, response) => {
    if (request.url === '/registry/index.json') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        published([{ version: '1.4.0', metadata: { supported_job_types: ['acme.run'] } }]),
      );
    } else {
      response.writeHead(500);
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.close();
  rmSync(root, { recursive: true, force: true });
});

function setMetadata(patch: object): void {
  writeFileSync(join(root, 'acme/metadata.json'), JSON.stringify({ ...base, ...patch }, null, 2));
}

const codes = async (against?: string | false) =>
  (
    await validateConnectors(['acme'], { cwd: root, ...(against === undefined ? {} : { against }) })
  ).diagnostics.map((d) => [d.code, d.message] as const);

describe('release rules', () => {
  it('reads an index over HTTP and refuses a version that does not move forward', async () => {
    setMetadata({ version: '1.2.0' });
    const found = await codes(`${url}/registry`);
    expect(found).toEqual([
      ['RELEASE_VERSION_NOT_GREATER', expect.stringContaining('bump it to 1.4.1 or higher')],
    ]);
  });

  it('reports an index server that fails as INDEX_UNREADABLE', async () => {
    expect((await codes(`${url}/down`)).map(([code]) => code)).toEqual(['INDEX_UNREADABLE']);
  });

  it(`uses ${DEFAULT_INDEX_DIR}/ by default, and names each breaking change`, async () => {
    const dir = join(root, DEFAULT_INDEX_DIR);
    mkdirSync(dir);
    writeFileSync(join(dir, 'index.json'), published([v1]));
    setMetadata({
      version: '1.1.0',
      supported_job_types: ['acme.sync'],
      input_schema: {
        ...base.input_schema,
        properties: { name: { type: 'string' }, id: { type: 'string' } },
        required: ['name', 'id'],
      },
    });
    const messages = (await codes()).map(
      ([code, message]) => `${code}: ${message.split(' since')[0]}`,
    );
    expect(messages).toEqual(
      expect.arrayContaining([
        'RELEASE_BREAKING_WITHOUT_MAJOR: job type "acme.run" was removed',
        'RELEASE_BREAKING_WITHOUT_MAJOR: input field "id" is newly required',
      ]),
    );
    setMetadata({
      version: '2.0.0',
      supported_job_types: ['acme.sync'],
      breaking_changes: {
        '2.0.0': { message: 'acme.run is now acme.sync', upgrade_by: '2027-01-31' },
      },
    });
    expect(await codes()).toEqual([]);
    expect(await codes(false)).toEqual([]);
  });
});
