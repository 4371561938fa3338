import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../queue/test/helpers.js';
import { inProcess } from './run-in-process.js';

// Each mistake a user can make against a real PostgreSQL exits 2 with a stable code and a hint,
// never 3 "internal error" with a stack.
describe('user mistakes through the queue commands', () => {
  let db: TestDatabase;
  const role = `jf_nopriv_${randomBytes(4).toString('hex')}`;
  const empty = `jf_empty_${randomBytes(4).toString('hex')}`;
  const saved = process.env.DATABASE_URL;
  const withUrl = (change: (url: URL) => void) => {
    const url = new URL(db.url);
    change(url);
    return url.toString();
  };
  beforeAll(async () => {
    delete process.env.DATABASE_URL;
    db = await createTestDatabase();
    await db.admin(`create role ${role} login password 'pw-${role}'`);
    await db.admin(`create database ${empty}`);
  });
  afterAll(async () => {
    if (saved !== undefined) process.env.DATABASE_URL = saved;
    await db.admin(`drop database if exists ${empty} with (force)`);
    await db.admin(`drop role if exists ${role}`);
  });

  const run = (...args: string[]) => inProcess(args);
  const cases: [string, () => string[], string][] = [
    [
      'a wrong password',
      () => [
        'jobs',
        'list',
        '--database-url',
        withUrl((u) => {
          u.password = 'wrong';
        }),
      ],
      'DATABASE_AUTH_FAILED',
    ],
    [
      'an unknown user',
      () => [
        'jobs',
        'list',
        '--database-url',
        withUrl((u) => {
          u.username = 'no_such_user_jf';
        }),
      ],
      'DATABASE_AUTH_FAILED',
    ],
    [
      'an unknown database',
      () => [
        'jobs',
        'list',
        '--database-url',
        withUrl((u) => {
          u.pathname = '/no_such_database_jf';
        }),
      ],
      'DATABASE_NOT_FOUND',
    ],
    [
      'db migrate as an unprivileged role',
      () => [
        'db',
        'migrate',
        '--database-url',
        withUrl((u) => {
          u.username = role;
          u.password = `pw-${role}`;
          u.pathname = `/${empty}`;
        }),
      ],
      'PERMISSION_DENIED',
    ],
    [
      'a refused connection',
      () => ['jobs', 'list', '--database-url', 'postgres://u:p@127.0.0.1:1/x'],
      'DATABASE_UNREACHABLE',
    ],
    [
      'a NUL character in a payload',
      () => ['enqueue', 't', '--payload', '{"a":"x\\u0000y"}', '--database-url', db.url],
      'PAYLOAD_NOT_JSON',
    ],
    [
      'a payload nested 5,000 deep',
      () => [
        'enqueue',
        't',
        '--payload',
        `${'['.repeat(5000)}${']'.repeat(5000)}`,
        '--database-url',
        db.url,
      ],
      'PAYLOAD_NOT_JSON',
    ],
    [
      '--run-at at the end of JavaScript time',
      () => [
        'enqueue',
        't',
        '--payload',
        '{}',
        '--run-at',
        '+275760-09-13T00:00:00Z',
        '--database-url',
        db.url,
      ],
      'INVALID_TIME',
    ],
    [
      '--run-at 1',
      () => ['enqueue', 't', '--payload', '{}', '--run-at', '1', '--database-url', db.url],
      'INVALID_TIME',
    ],
    [
      '--run-at 2030-02-30',
      () => ['enqueue', 't', '--payload', '{}', '--run-at', '2030-02-30', '--database-url', db.url],
      'INVALID_TIME',
    ],
    [
      '--priority abc',
      () => ['enqueue', 't', '--payload', '{}', '--priority', 'abc', '--database-url', db.url],
      'INVALID_FLAG',
    ],
    [
      '--max-attempts abc',
      () => ['enqueue', 't', '--payload', '{}', '--max-attempts', 'abc', '--database-url', db.url],
      'INVALID_FLAG',
    ],
    [
      '--limit -5',
      () => ['jobs', 'list', '--limit', '-5', '--database-url', db.url],
      'INVALID_FLAG',
    ],
    ['--limit 0', () => ['jobs', 'list', '--limit', '0', '--database-url', db.url], 'INVALID_FLAG'],
    [
      '--limit 5000',
      () => ['jobs', 'list', '--limit', '5000', '--database-url', db.url],
      'INVALID_FLAG',
    ],
    ['--lease-ms 0', () => ['worker', '--lease-ms', '0', '--database-url', db.url], 'INVALID_FLAG'],
    ['--poll-ms -1', () => ['worker', '--poll-ms', '-1', '--database-url', db.url], 'INVALID_FLAG'],
    [
      '--concurrency 1.5',
      () => ['worker', '--concurrency', '1.5', '--database-url', db.url],
      'INVALID_FLAG',
    ],
  ];
  it.each(cases)('%s exits 2 with a code and no stack', async (_name, args, code) => {
    const r = await run(...args());
    expect(r.err).toContain(`[${code}]`);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/fix: /);
    expect(r.err).not.toMatch(/internal error|\n\s+at /);
  });

  it('still accepts good values', async () => {
    const r = await run(
      'enqueue',
      't',
      '--payload',
      '{"a":1}',
      '--priority',
      '-3',
      '--max-attempts',
      '2',
      '--run-at',
      '2030-02-28T12:00:00Z',
      '--database-url',
      db.url,
      '--json',
    );
    expect(r.code).toBe(0);
    expect((await run('jobs', 'list', '--limit', '1000', '--database-url', db.url)).code).toBe(0);
  });
});
