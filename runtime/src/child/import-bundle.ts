// Captured when the runner starts, before any connector code exists.
const builtin = process.getBuiltinModule.bind(process);
let viaVm: ((url: string) => Promise<unknown>) | undefined;

/**
 * Imports a connector bundle from its (already verified) `data:` URL. A runner started from its
 * startup snapshot has no dynamic-import callback for its own code, so there the import goes
 * through a one-line script compiled with the main context's default ESM loader: the same loader,
 * the same permission model, the same module the plain `import()` would give.
 */
export async function importBundle(url: string): Promise<unknown> {
  if (viaVm) return viaVm(url);
  try {
    return await import(url);
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING')
      throw error;
  }
  const vm = builtin('node:vm');
  viaVm = new vm.Script('(url) => import(url)', {
    importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
  }).runInThisContext() as (url: string) => Promise<unknown>;
  return viaVm(url);
}
