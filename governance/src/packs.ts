import { fileURLToPath } from 'node:url';

/** The adapter template packs shipped with this package: name → file. */
export const TEMPLATE_PACKS = {
  settler: fileURLToPath(new URL('../packs/settler.json', import.meta.url)),
  readylayer: fileURLToPath(new URL('../packs/readylayer.json', import.meta.url)),
  keys: fileURLToPath(new URL('../packs/keys.json', import.meta.url)),
  aias: fileURLToPath(new URL('../packs/aias.json', import.meta.url)),
} as const;
