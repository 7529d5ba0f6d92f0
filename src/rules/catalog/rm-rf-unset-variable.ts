import { runScriptCommandsNamed } from '../helpers/command-index.js';
import { defineRule } from '../types.js';

/** `$VAR/…`, `${VAR}/…`, `"$VAR"/…`, `"${VAR}/…"`: a plain variable expansion at the start of a path (no `:?` guard). */
const LEADING_VAR = /^"?\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))"?(\/.*)$/s;
/** What follows the variable: the root itself or everything in it. */
const ROOT_REST: ReadonlySet<string> = new Set(['/', '/*', '/.*', '/"*', '/"', '/*"', '/{*,.*}', '/.', '/./*']);

const RM: ReadonlySet<string> = new Set(['rm']);

export default defineRule({
  meta: {
    id: 'DA711',
    name: 'rm-rf-unset-variable',
    category: 'shell',
    severity: 'low',
    cwe: [1188],
    description: 'A recursive `rm` targets `$VAR/` or `$VAR/*`, which deletes the whole file system when the variable is empty.',
    needs: { commands: RM },
    messages: {
      rootWhenEmpty: (d: { name: string; word: string }) =>
        `If ${d.name} is empty or unset, \`rm ${d.word}\` deletes from the file-system root: write \${${d.name}:?} to fail instead.`,
    },
    aliases: ['SC2115'],
  },
  check(model, ctx) {
    for (const { cmd: c } of runScriptCommandsNamed(model, RM)) {
      if (!c.hasFlag('-r') && !c.hasFlag('-R') && !c.hasFlag('--recursive')) continue;
      for (const w of c.operands) {
        if (!w.dynamic) continue; // the variable's value is known here
        const m = LEADING_VAR.exec(w.raw);
        if (m === null || !ROOT_REST.has(m[3]!)) continue;
        ctx.report({ messageId: 'rootWhenEmpty', data: { name: m[1] ?? m[2]!, word: w.raw }, range: w.range });
      }
    }
  },
  docs: {
    why:
      'With `rm -rf "$DIR"/*`, an empty or unset `DIR` (a build argument nobody passed, a typo in the name, a failed ' +
      '`$(…)`) turns the command into `rm -rf /*`: the build wipes its own file system and fails in confusing ways, ' +
      'or, in a script copied into the image and run later, the container\'s. ShellCheck reports this as SC2115. ' +
      'Variables whose value is known at this point (ARG defaults, ENV, assignments earlier in the script) are not ' +
      'reported.',
    bad: 'FROM debian:12\nARG BUILD_DIR\nRUN rm -rf "$BUILD_DIR"/*\n',
    good: 'FROM debian:12\nARG BUILD_DIR\nRUN rm -rf "${BUILD_DIR:?}"/* && echo "rm -rf $BUILD_DIR/"\nENV CACHE=/var/cache/app\nRUN rm -rf $CACHE/*\n',
    fix: 'Write `${VAR:?}` so the shell stops with an error when the variable is empty, or use a fixed path.',
    references: ['https://www.shellcheck.net/wiki/SC2115'],
  },
  tests: {
    valid: [
      'FROM debian:12\nARG D\nRUN rm -rf "${D:?}"/* && rm -rf $D/build && rm $D/x\n',
      { name: 'known value', code: 'FROM debian:12\nENV D=/opt/x\nRUN rm -rf "$D"/* && T=/tmp/w; rm -rf $T/\n' },
      { name: 'echoed', code: 'FROM debian:12\nARG D\nRUN echo rm -rf $D/*\n' },
    ],
    invalid: [
      {
        code: 'FROM debian:12\nARG BUILD_DIR\nRUN rm -rf "$BUILD_DIR"/*\n',
        errors: [{ line: 3, column: 12, endLine: 3, endColumn: 26, messageId: 'rootWhenEmpty' }],
      },
      {
        name: 'braces and trailing slash, -r -f separate',
        code: 'FROM debian:12\nRUN D=$(mktemp -d) && rm -r -f ${D}/\n',
        errors: [{ line: 2, column: 32, endColumn: 37 }],
      },
    ],
  },
});
