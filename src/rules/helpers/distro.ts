import { rootImageOf } from '../../model/build.js';
import type { DockerfileModel, InstructionFacts } from '../../model/types.js';

/** Official images whose default variants are Debian or Ubuntu based (their `/bin/sh` is dash). */
const DEBIAN_FAMILY: ReadonlySet<string> = new Set([
  'debian', 'ubuntu', 'buildpack-deps', 'python', 'node', 'golang', 'ruby', 'php', 'perl', 'rust', 'openjdk',
  'eclipse-temurin', 'maven', 'gradle', 'nginx', 'httpd', 'postgres', 'redis', 'mongo', 'elixir', 'erlang',
  'haskell', 'r-base', 'julia', 'gcc', 'tomcat', 'wordpress', 'drupal', 'jenkins', 'sonarqube', 'composer', 'django',
]);
/** Tag words naming a variant that is not Debian/Ubuntu based. */
const OTHER_VARIANT = /alpine|busybox|windows|nanoserver|servercore|ubi|centos|rocky|alma|oracle|amazon|corretto|fedora|suse|rhel|musl/i;

/**
 * True when the `/bin/sh` running this instruction's shell-form commands is most likely dash: the default (or an
 * explicit `/bin/sh`) SHELL and a root base image from the Debian/Ubuntu family. False when unknown.
 */
export function shIsLikelyDash(model: DockerfileModel, facts: InstructionFacts): boolean {
  const argv0 = facts.shellSetting.argv[0] ?? '/bin/sh';
  if (argv0 !== '/bin/sh' && argv0 !== 'sh' && argv0 !== '/bin/dash' && argv0 !== 'dash') return false;
  if (facts.stage === null) return false;
  const stage = model.stages[facts.stage];
  if (stage === undefined) return false;
  const ref = rootImageOf(model, stage)?.ref;
  if (ref === null || ref === undefined || ref.scratch || ref.unknown.path) return false;
  const last = ref.path.slice(ref.path.lastIndexOf('/') + 1);
  if (!DEBIAN_FAMILY.has(last)) return false;
  return ref.tag === null || !OTHER_VARIANT.test(ref.tag);
}
