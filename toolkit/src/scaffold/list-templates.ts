import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

/** The `.hbs` files under `root`, as sorted paths relative to it (with `/`). */
export async function listTemplates(root: string, sub = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(root, sub), { withFileTypes: true })) {
    const path = sub ? `${sub}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listTemplates(root, path)));
    else if (entry.name.endsWith('.hbs')) out.push(path);
  }
  return out.sort();
}
