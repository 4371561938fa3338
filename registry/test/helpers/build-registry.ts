// The registry's build takes its validator from the caller; the tests compose it with the toolkit's,
// as the CLI does (a test-only edge: the registry package itself never imports the toolkit).
import { validateConnectors } from '../../../toolkit/src/index.js';
import { type BuildRegistryOptions, buildRegistry as build } from '../../src/index.js';

export function buildRegistry(options: Omit<BuildRegistryOptions, 'validate'> = {}) {
  return build({ ...options, validate: validateConnectors });
}
