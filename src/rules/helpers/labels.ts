import { expand, instructionsOf } from '../../model/build.js';
import type { DockerfileModel, Stage } from '../../model/types.js';
import type { KeyValue, LabelInstruction } from '../../parser/ast.js';
import type { Range } from '../../source.js';

export interface LabelPair {
  readonly instruction: LabelInstruction;
  readonly pair: KeyValue;
  /** Expanded key, or null when not known. */
  readonly key: string | null;
  /** Expanded value, or null when not known (build argument without default...). */
  readonly value: string | null;
  /** The value uses a build argument's default, which `--build-arg` may replace. */
  readonly fromBuildArg: boolean;
}

/** Every LABEL pair of the file (ONBUILD triggers excluded), expanded where possible. */
export function labelPairs(model: DockerfileModel): LabelPair[] {
  const out: LabelPair[] = [];
  for (const f of instructionsOf(model, 'LABEL', { triggers: false })) {
    for (const pair of f.instruction.pairs) {
      const k = expand(model, pair.key.value, f.instruction);
      const v = expand(model, pair.value.value, f.instruction);
      const fromBuildArg = v.ok && v.used.some((n) => f.scope.vars.get(n)?.overridable === true);
      out.push({
        instruction: f.instruction,
        pair,
        key: k.ok && !k.unknown ? k.value : null,
        value: v.ok && !v.unknown ? v.value : null,
        fromBuildArg,
      });
    }
  }
  return out;
}

/** The range to report a whole-image fact on: the final stage's FROM line up to its image (and stage name). */
export function fromHeadRange(stage: Stage): Range {
  const f = stage.from;
  const end = f.stageName?.range.end ?? f.image?.range.end ?? f.keywordRange.end;
  return { start: f.keywordRange.start, end };
}

/** Whether a stage (or a parent stage of this file) has a MAINTAINER instruction. */
export function hasMaintainerInstruction(model: DockerfileModel, stage: Stage): boolean {
  const seen = new Set<number>();
  let s: Stage | undefined = stage;
  while (s && !seen.has(s.index)) {
    seen.add(s.index);
    if (s.instructions.some((f) => f.onbuild === null && f.instruction.kind === 'MAINTAINER')) return true;
    s = s.parentStage === null ? undefined : model.stages[s.parentStage];
  }
  return false;
}
