import type { Finding } from './diagnostic.js';
import type { ConnectorFolder } from './discover-connectors.js';

/** What each rule sees: one connector's folder and its parsed metadata (an object, maybe invalid). */
export interface ConnectorCheck {
  folder: ConnectorFolder;
  meta: Record<string, unknown>;
}

/** A rule: reads one connector, returns its findings (never throws for bad metadata). */
export type Rule = (check: ConnectorCheck) => Finding[];

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
