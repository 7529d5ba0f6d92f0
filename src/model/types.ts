/**
 * The semantic model rules read. Built once per file, before any rule runs.
 * (Placeholder: the model layer fills this in.)
 */
import type { Dockerfile } from '../parser/ast.js';
import type { SourceFile } from '../source.js';

export interface DockerfileModel {
  readonly source: SourceFile;
  readonly dockerfile: Dockerfile;
}
