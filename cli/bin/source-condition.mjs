// Module resolve hook: prefer each workspace package's TypeScript source (the `@jobforge/source`
// export condition), the same condition tsconfig and vitest use.
export async function resolve(specifier, context, nextResolve) {
  const conditions = context.conditions.includes('@jobforge/source')
    ? context.conditions
    : ['@jobforge/source', ...context.conditions];
  return nextResolve(specifier, { ...context, conditions });
}
