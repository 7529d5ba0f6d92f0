import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Third-party test data beside the repository (never copied into it). */
export const sharedDir = join(repoRoot, '..', 'shared');
