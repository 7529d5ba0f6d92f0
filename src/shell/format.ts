/**
 * Debug view of the command model (`dockaudit parse --commands FILE`): each command with its Dockerfile
 * line:column, argv, pipeline/connector facts, options, and the dataflow facts that concern it.
 */
import type { SourceFile } from '../source.js';
import type { ShellCommand, ShellScript } from './commands.js';
import type { Dataflow } from './dataflow.js';
import type { Word } from './types.js';

function w(x: Word): string {
  return x.value !== null ? JSON.stringify(x.value) : `<${x.raw}>`;
}

function pos(source: SourceFile, offset: number): string {
  const p = source.positionAt(offset);
  return `${p.line}:${p.column}`;
}

export function formatCommand(source: SourceFile, c: ShellCommand): string {
  const facts: string[] = [];
  if (c.wrappers.length > 0) facts.push(`via ${c.wrappers.map((x) => x.name).join(' ')}`);
  if (c.assignments.length > 0) facts.push(`env ${c.assignments.map((a) => a.name).join(',')}`);
  if (c.pipelineLength > 1) facts.push(`pipe ${c.pipelineIndex + 1}/${c.pipelineLength}`);
  if (c.stdinFrom !== null) facts.push(`stdin<-#${c.stdinFrom.id}`);
  if (c.stdoutTo !== null) facts.push(`stdout->#${c.stdoutTo.id}`);
  if (c.connectorBefore !== null) facts.push(`after '${c.connectorBefore}'`);
  if (c.connectorAfter !== null) facts.push(`then '${c.connectorAfter}'`);
  if (c.guarded) facts.push('guarded');
  if (c.inSubstitution) facts.push('in $()');
  if (c.enclosing.length > 0) facts.push(`in ${c.enclosing.map((e) => e.kind).join('>')}`);
  if (c.parent !== null) facts.push(`nested in #${c.parent.id}`);
  const lines = [`#${c.id} ${pos(source, c.range.start)} ${c.name ?? '<dynamic>'}  argv=[${c.argv.map(w).join(', ')}]${facts.length ? '  ' + facts.join('; ') : ''}`];
  const detail: string[] = [];
  if (c.subcommand !== null) detail.push(`subcommand=${c.subcommand}`);
  if (c.options.length > 0) detail.push(`options=${c.options.map((o) => (o.value === null ? o.name : `${o.name}=${w(o.value)}`)).join(' ')}`);
  if (c.operands.length > 0) detail.push(`operands=${c.operands.map(w).join(' ')}`);
  for (const r of c.redirects) detail.push(`redirect ${r.fd ?? ''}${r.op} ${r.target !== null ? w(r.target) : 'heredoc'}`);
  for (const u of c.urls) detail.push(`url ${u.scheme}://${u.host ?? '?'}${u.complete ? '' : ' (partly dynamic)'}`);
  if (detail.length > 0) lines.push(`    ${detail.join('  ')}`);
  return lines.join('\n');
}

/** Prints the commands of each script (and, when given, the dataflow facts). */
export function formatCommands(source: SourceFile, scripts: readonly ShellScript[], flow?: Dataflow): string {
  const out: string[] = [];
  scripts.forEach((s, i) => {
    const head = `script ${i + 1} at ${pos(source, s.range.start)} (${s.kind}${s.parsed ? '' : s.language !== null ? `, ${s.language}, not parsed` : ', tokenised'})`;
    out.push(head);
    for (const e of s.errors) out.push(`  error ${pos(source, e.range.start)} ${e.message}`);
    for (const c of s.all) out.push(formatCommand(source, c).replace(/^/gm, '  '));
  });
  if (flow !== undefined) {
    out.push('dataflow');
    for (const a of flow.artifacts) {
      out.push(`  artifact A${a.id} ${pos(source, a.range.start)} ${a.origin} ${a.url?.url ?? '?'} -> ${a.streamed ? 'stdout' : (a.path ?? '?')}${a.pinned ? ' pinned' : ''}`);
    }
    for (const v of flow.verifications) {
      out.push(`  verify V${v.id} ${pos(source, v.range.start)} ${v.kind} ${v.files === null ? '(files unknown)' : v.files.join(' ')}${v.enforced ? '' : ' NOT ENFORCED'}`);
    }
    for (const u of flow.uses) {
      out.push(`  use ${pos(source, u.range.start)} ${u.kind} A${u.artifact.id} (${u.artifact.url?.scheme ?? '?'}://${u.artifact.url?.host ?? '?'}) ${u.verified ? `verified by V${u.verification!.id}` : 'UNVERIFIED'}`);
    }
  }
  return out.join('\n') + '\n';
}
