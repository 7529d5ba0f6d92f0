/** Facts about dockaudit itself used in reports and docs. */
import { createRequire } from 'node:module';

export const TOOL_NAME = 'dockaudit';
export const HOMEPAGE = 'https://github.com/dockaudit/dockaudit';
/** Where a rule's generated doc is published: `${RULE_DOCS_BASE}/<name>.md`. */
export const RULE_DOCS_BASE = `${HOMEPAGE}/blob/main/docs/rules`;

/** The package version, read from package.json (one level above both `src/` and `dist/`). */
export function toolVersion(): string {
  try {
    const pkg = createRequire(import.meta.url)('../package.json') as { version?: unknown };
    return typeof pkg.version === 'string' ? pkg.version : '0.0.0';
  } catch {
    return '0.0.0';
  }
}
