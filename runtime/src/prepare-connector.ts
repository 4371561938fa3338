import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { builtinModules, createRequire } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { JobForgeError } from '@jobforge/sdk';
import { build, type Plugin } from 'esbuild';
import { type ConnectorMetadata, parseConnectorMetadata } from './connector-metadata.js';
import { sriOf } from './sri.js';
import { writeBundle } from './write-bundle.js';

/** A connector ready to load: its metadata and one self-contained ESM file with its integrity. */
export interface PreparedConnector {
  metadata: ConnectorMetadata;
  bundlePath: string;
  integrity: string;
}

/** A registry artifact: a bundle file, the integrity it must have, and its metadata. */
export interface ConnectorArtifact {
  path: string;
  integrity: string;
  metadata: unknown;
}

/** What `runtime.run` accepts: a connector folder, an artifact, or an already prepared connector. */
export type ConnectorRef =
  | string
  | { dir: string }
  | { artifact: ConnectorArtifact }
  | PreparedConnector;

/**
 * Bundles a connector folder's entry with esbuild (npm packages and @jobforge/sdk inlined, Node
 * built-ins left as imports) into the cache, so the child loads one file and nothing else.
 */
export async function prepareConnectorDir(
  dir: string,
  cacheDir: string,
): Promise<PreparedConnector> {
  const root = resolve(dir);
  const metaPath = join(root, 'metadata.json');
  if (!existsSync(root) || !statSync(root).isDirectory() || !existsSync(metaPath)) {
    throw new JobForgeError(
      'CONNECTOR_NOT_FOUND',
      `${dir} is not a connector folder (no metadata.json)`,
      {
        where: dir,
        hint: 'pass a folder that holds metadata.json',
      },
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(metaPath, 'utf8'));
  } catch (cause) {
    throw new JobForgeError('INVALID_METADATA', `${metaPath} is not valid JSON`, {
      where: metaPath,
      cause,
    });
  }
  const metadata = parseConnectorMetadata(raw, metaPath);
  const entry = resolve(root, metadata.entry);
  const inside = relative(root, entry);
  if (inside === '..' || inside.startsWith(`..${sep}`) || resolve(inside) === inside) {
    throw new JobForgeError(
      'INVALID_METADATA',
      `entry ${metadata.entry} points outside the connector folder`,
      {
        where: `${metaPath}#/entry`,
      },
    );
  }
  if (!existsSync(entry)) {
    throw new JobForgeError(
      'ENTRY_NOT_FOUND',
      `the entry ${metadata.entry} of ${metadata.connector_id} does not exist`,
      {
        where: entry,
      },
    );
  }
  let bytes: Uint8Array;
  try {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      conditions: ['@jobforge/source'],
      external: [...builtinModules, ...builtinModules.map((m) => `node:${m}`)],
      // CommonJS dependencies may require() built-ins; give the bundle a require that can.
      banner: {
        js: "import { createRequire as __jfCreateRequire } from 'node:module'; const require = __jfCreateRequire('file:///jobforge-connector.mjs');",
      },
      plugins: [stayInside(realpathSync(root))],
      write: false,
      logLevel: 'silent',
    });
    bytes = result.outputFiles[0]!.contents;
  } catch (cause) {
    const message = (cause as { errors?: { text: string }[] }).errors?.[0]?.text ?? String(cause);
    throw connectorFault(
      new JobForgeError(
        message.startsWith(REFUSED) ? 'BUNDLE_REFUSED' : 'BUNDLE_FAILED',
        `could not bundle ${metadata.connector_id}: ${message}`,
        { where: entry, cause },
      ),
      metadata,
    );
  }
  const { path, integrity } = await writeBundle(cacheDir, metadata.connector_id, bytes);
  return { metadata, bundlePath: path, integrity };
}

/** Checks an artifact's bytes against its expected integrity; throws `INTEGRITY_MISMATCH`. */
export async function prepareArtifact(
  artifact: ConnectorArtifact,
  cacheDir: string,
): Promise<PreparedConnector> {
  const metadata = parseConnectorMetadata(artifact.metadata, artifact.path);
  const bytes = await readFile(artifact.path).catch((cause) => {
    throw new JobForgeError('ARTIFACT_NOT_FOUND', `cannot read the artifact ${artifact.path}`, {
      where: artifact.path,
      cause,
    });
  });
  const actual = sriOf(bytes);
  if (actual !== artifact.integrity) {
    throw connectorFault(
      new JobForgeError(
        'INTEGRITY_MISMATCH',
        `the artifact of ${metadata.connector_id}@${metadata.version} has integrity ${actual}, expected ${artifact.integrity}`,
        {
          where: artifact.path,
          hint: 'fetch the artifact again from the registry; it was changed or corrupted',
        },
      ),
      metadata,
    );
  }
  // The verified bytes are copied into the cache, where the sandbox uid can read them and nothing
  // else can change them.
  const { path } = await writeBundle(cacheDir, metadata.connector_id, bytes);
  return { metadata, bundlePath: path, integrity: actual };
}

const REFUSED = 'refused:';
const SDK_ROOT = realpathSync(
  dirname(createRequire(import.meta.url).resolve('@jobforge/sdk/package.json')),
);

/**
 * Bundling runs on the host with the host's rights, so it must not read what the connector could
 * not: every file esbuild loads must really (after symlinks) be inside the connector folder, a
 * node_modules folder, or the sdk.
 */
function stayInside(root: string): Plugin {
  const inside = (path: string, dir: string) => path === dir || path.startsWith(`${dir}${sep}`);
  return {
    name: 'jobforge-stay-inside',
    setup(b) {
      b.onLoad({ filter: /.*/ }, (args) => {
        const real = realpathSync(args.path);
        if (
          inside(real, root) ||
          inside(real, SDK_ROOT) ||
          real.split(sep).includes('node_modules')
        )
          return undefined;
        return {
          errors: [
            { text: `${REFUSED} ${real} is outside the connector folder (a symlink out of it?)` },
          ],
        };
      });
    },
  };
}

/** A preparation failure that is the connector's fault: the runtime turns it into a signed result. */
export interface ConnectorFault extends JobForgeError {
  connectorMetadata: ConnectorMetadata;
}

function connectorFault(error: JobForgeError, metadata: ConnectorMetadata): ConnectorFault {
  return Object.assign(error, { connectorMetadata: metadata });
}
