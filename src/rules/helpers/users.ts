/** Facts about the user the final image runs as. Shared by DA301, DA302 and DA310. */
import { effectiveInstruction } from '../../model/build.js';
import type { DockerfileModel, Stage } from '../../model/types.js';
import { basename } from '../../shell/index.js';

/** Programs that start the real process as another user. */
const DROPPERS: ReadonlySet<string> = new Set(['gosu', 'su-exec', 'setpriv', 'runuser', 'chpst', 's6-setuidgid', 'setuidgid', 'su', 'suexec']);

/**
 * True when the stage's ENTRYPOINT (else CMD) visibly starts its process through a privilege-dropping program
 * (`gosu app …`, `su-exec app …`, `setpriv --reuid …`): the image then starts as root on purpose and the process
 * runs as another user.
 */
export function startsThroughPrivilegeDrop(model: DockerfileModel, stage: Stage): boolean {
  const f = effectiveInstruction(model, stage, 'ENTRYPOINT') ?? effectiveInstruction(model, stage, 'CMD');
  if (f === null) return false;
  const i = f.instruction;
  if (i.command.form === 'exec') {
    const first = i.command.args[0]?.value;
    return first !== undefined && DROPPERS.has(basename(first));
  }
  for (const script of f.shell ?? []) {
    for (const c of script.all) {
      if (c.wrappers.some((w) => DROPPERS.has(w.name)) || (c.name !== null && DROPPERS.has(c.name))) return true;
    }
  }
  return false;
}

/** True when the image tag says it runs as a non-root user (`distroless/static:nonroot`, `…:latest-nonroot`). */
export function baseTagSaysNonRoot(model: DockerfileModel, stage: Stage): boolean {
  let s: Stage | undefined = stage;
  for (let guard = 0; s !== undefined && guard < model.stages.length; guard++) {
    if (s.base.kind !== 'stage') {
      const tag = s.base.ref?.tag ?? '';
      return /(?:^|[-_.])nonroot(?:$|[-_.])/i.test(tag);
    }
    s = s.parentStage === null ? undefined : model.stages[s.parentStage];
  }
  return false;
}

/** Windows Nano Server images run as `ContainerUser` (not an administrator) unless a USER says otherwise. */
export function baseIsNanoServer(model: DockerfileModel, stage: Stage): boolean {
  let s: Stage | undefined = stage;
  for (let guard = 0; s !== undefined && guard < model.stages.length; guard++) {
    if (s.base.kind !== 'stage') {
      const ref = s.base.ref;
      const text = ref === null ? s.base.raw : `${ref.path ?? ''}:${ref.tag ?? ''}`;
      return /nanoserver/i.test(text);
    }
    s = s.parentStage === null ? undefined : model.stages[s.parentStage];
  }
  return false;
}
