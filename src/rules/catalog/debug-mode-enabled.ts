import { effectiveInstruction } from '../../model/build.js';
import type { EnvInstruction } from '../../parser/ast.js';
import type { Range } from '../../source.js';
import type { DockerfileModel, Stage } from '../../model/types.js';
import type { ArgvWord } from '../helpers/runtime.js';
import { baseName, commandArgvs } from '../helpers/runtime.js';
import { defineRule } from '../types.js';

const NODE = new Set(['node', 'nodejs', 'nodemon', 'ts-node', 'tsx']);
const INSPECT = /^--inspect(?:-brk|-wait)?(?:=|$)/;
const JDWP_OPTION = /-agentlib:jdwp=|-Xrunjdwp:/g;
const SPACE = /\s/;

/**
 * True when `s` matches `/(?:-agentlib:jdwp=|-Xrunjdwp:)[^\s]*server=y/`: a JDWP option whose value (up to the next
 * white space) contains `server=y`. A loop, because the regex rescans the same value from every option.
 */
export function jdwpServer(s: string): boolean {
  // both options contain `jdwp` (this runs for every word of the final CMD and ENTRYPOINT)
  if (!s.includes('jdwp')) return false;
  JDWP_OPTION.lastIndex = 0;
  for (let m = JDWP_OPTION.exec(s); m !== null; m = JDWP_OPTION.exec(s)) {
    let end = m.index + m[0].length;
    while (end < s.length && !SPACE.test(s.charAt(end))) end++;
    if (s.slice(m.index + m[0].length, end).includes('server=y')) return true;
  }
  return false;
}
const JAVA_OPTS = new Set(['JAVA_TOOL_OPTIONS', 'JAVA_OPTS', '_JAVA_OPTIONS', 'JDK_JAVA_OPTIONS', 'CATALINA_OPTS']);
const FALSY = new Set(['', '0', 'false', 'no', 'off']);

/** Why an ENV setting switches a debug mode on, or null. */
const DEBUG_ENV_NAMES: ReadonlySet<string> = new Set([
  'FLASK_DEBUG', 'FLASK_ENV', 'DJANGO_DEBUG', 'RAILS_ENV', 'ASPNETCORE_ENVIRONMENT', 'DOTNET_ENVIRONMENT', 'XDEBUG_MODE', 'NODE_OPTIONS',
  ...JAVA_OPTS,
]);

function envDebug(name: string, value: string): string | null {
  // only the names below are judged: no copies (trim, lower case) of every other, possibly huge, value
  if (!DEBUG_ENV_NAMES.has(name)) return null;
  const v = value.trim();
  const lower = v.toLowerCase();
  switch (name) {
    case 'FLASK_DEBUG':
      return FALSY.has(lower) ? null : 'the Flask debugger (an interactive console that runs Python code)';
    case 'FLASK_ENV':
      return lower === 'development' ? 'the Flask debugger (an interactive console that runs Python code)' : null;
    case 'DJANGO_DEBUG':
      return ['1', 'true', 'yes', 'on'].includes(lower) ? 'Django debug pages (settings and stack traces shown to visitors)' : null;
    case 'RAILS_ENV':
      return lower === 'development' ? 'the Rails development mode (detailed error pages, web console)' : null;
    case 'ASPNETCORE_ENVIRONMENT':
    case 'DOTNET_ENVIRONMENT':
      return lower === 'development' ? 'the ASP.NET Core developer exception page' : null;
    case 'XDEBUG_MODE':
      return lower.split(',').map((x) => x.trim()).includes('debug') ? 'Xdebug step debugging' : null;
    case 'NODE_OPTIONS':
      return v.split(/\s+/).some((w) => INSPECT.test(w)) ? 'the Node.js inspector' : null;
    default:
      return JAVA_OPTS.has(name) && jdwpServer(v) ? 'the Java debugger (JDWP)' : null;
  }
}

/**
 * A Django application image: DJANGO_SETTINGS_MODULE is set, or the command runs `manage.py`, a `*.wsgi`/`*.asgi`
 * module or `django-admin`.
 */
function looksLikeDjango(model: DockerfileModel, stage: Stage): boolean {
  if (stage.finalScope.env.get('DJANGO_SETTINGS_MODULE') !== undefined) return true;
  for (const kind of ['ENTRYPOINT', 'CMD'] as const) {
    const f = effectiveInstruction(model, stage, kind);
    if (!f) continue;
    for (const argv of commandArgvs(f, f.instruction.command)) {
      for (const w of argv) {
        const v = w.value ?? '';
        if (v === 'django-admin' || v.endsWith('manage.py') || /\.[aw]sgi(?::|$)/.test(v)) return true;
      }
    }
  }
  return false;
}

/** Why a command line starts a debugger, and the word to point at. */
function argvDebug(argv: readonly ArgvWord[]): { what: string; range: Range } | null {
  const name = argv[0]?.value ? baseName(argv[0].value) : '';
  const node = NODE.has(name);
  for (let k = 0; k < argv.length; k++) {
    const v = argv[k]!.value ?? '';
    if (node && INSPECT.test(v)) return { what: 'the Node.js inspector', range: argv[k]!.range };
    if (jdwpServer(v)) return { what: 'the Java debugger (JDWP)', range: argv[k]!.range };
    if (v === 'debugpy' && argv.some((w) => w.value === '--listen' || (w.value ?? '').startsWith('--listen='))) {
      return { what: 'the Python debugger (debugpy)', range: argv[k]!.range };
    }
    if (name === 'dlv' && (v === '--headless' || v.startsWith('--headless=true') || v === '--listen' || v.startsWith('--listen='))) {
      return { what: 'the Go debugger (Delve)', range: argv[k]!.range };
    }
    if (name === 'flask' && v === '--debug') return { what: 'the Flask debugger', range: argv[k]!.range };
  }
  return null;
}

export default defineRule({
  meta: {
    id: 'DA804',
    name: 'debug-mode-enabled',
    category: 'runtime',
    severity: 'high',
    cwe: [489],
    description: 'The final image starts a debugger or sets a framework debug mode (Node inspector, JDWP, debugpy, Delve, Flask/Django/Rails/ASP.NET development mode, Xdebug).',
    needs: { instructions: ['CMD', 'ENTRYPOINT', 'ENV'] },
    messages: {
      command: (d: { what: string }) => `The container starts ${d.what}: remove the debug option from the production command.`,
      env: (d: { name: string; what: string }) => `${d.name} enables ${d.what} in the final image: set it only in a debug target or at run time.`,
    },
  },
  check(model, ctx) {
    const stage = model.finalStage;
    if (!stage) return;
    for (const kind of ['ENTRYPOINT', 'CMD'] as const) {
      const f = effectiveInstruction(model, stage, kind);
      if (!f) continue;
      for (const argv of commandArgvs(f, f.instruction.command)) {
        const hit = argvDebug(argv);
        if (hit) {
          ctx.report({ messageId: 'command', data: { what: hit.what }, range: hit.range });
          break;
        }
      }
    }
    let django: boolean | null = null;
    for (const [name, b] of stage.finalScope.env) {
      if (typeof b.value !== 'string' || b.definedAt === null || b.definedAt.kind !== 'ENV') continue;
      let what = envDebug(name, b.value);
      // a bare DEBUG only means Django debug pages in a Django image
      if (what === null && name === 'DEBUG' && ['1', 'true', 'yes', 'on'].includes(b.value.trim().toLowerCase())) {
        django ??= looksLikeDjango(model, stage);
        if (django) what = 'Django debug pages (settings and stack traces shown to visitors)';
      }
      if (what === null) continue;
      const env: EnvInstruction = b.definedAt;
      const pair = [...env.pairs].reverse().find((p) => p.key.value === name);
      ctx.report({ messageId: 'env', data: { name, what }, range: pair ? pair.range : env.range });
    }
  },
  docs: {
    why:
      'Debuggers and framework debug modes are built to run arbitrary code or to show internals (a bare `DEBUG=True` counts only in a Django image: `DJANGO_SETTINGS_MODULE`, `manage.py` or a WSGI/ASGI module): the Node.js ' +
      'inspector and JDWP let a client evaluate code in the process, the Werkzeug debugger is an interactive Python ' +
      'console in the browser, and development modes print settings, secrets and stack traces. In a production image ' +
      'they turn any network exposure into remote code execution or information disclosure.',
    bad: 'FROM node:22-slim\nCMD ["node", "--inspect=0.0.0.0:9229", "server.js"]\n',
    good: 'FROM node:22-slim\nENV NODE_ENV=production\nCMD ["node", "server.js"]\n',
    fix:
      'Remove debug flags and development settings from the final stage. Build a separate debug target ' +
      '(`docker build --target debug`) or pass the setting at run time when you really need to debug.',
    references: ['https://cwe.mitre.org/data/definitions/489.html', 'https://nodejs.org/en/learn/getting-started/debugging', 'https://flask.palletsprojects.com/en/stable/debugging/'],
  },
  tests: {
    valid: [
      { name: 'DEBUG outside a Django image', code: 'FROM node:22-slim\nENV DEBUG=express:*\nENV DEBUG=1\nCMD ["node", "server.js"]\n' },
      'FROM python:3.12-slim\nENV FLASK_DEBUG=0 DJANGO_DEBUG=False RAILS_ENV=production\nCMD ["gunicorn", "app:app"]\n',
      { name: 'debug target that is not the final stage', code: 'FROM node:22-slim AS debug\nCMD ["node", "--inspect", "a.js"]\nFROM node:22-slim\nCMD ["node", "a.js"]\n' },
      { name: 'overridden CMD and overridden ENV', code: 'FROM python:3.12-slim\nENV FLASK_DEBUG=1\nCMD flask run --debug\nENV FLASK_DEBUG=0\nCMD ["flask", "run"]\n' },
      { name: 'echoed text and label', code: 'FROM node:22-slim\nLABEL usage="node --inspect"\nRUN echo "FLASK_DEBUG=1"\nCMD ["sh", "-c", "echo --inspect && node a.js"]\n' },
      { name: 'inspect used in a RUN (build time only)', code: 'FROM node:22-slim\nRUN node --inspect-brk=0 -e 1 || true\nCMD ["node", "a.js"]\n' },
    ],
    invalid: [
      {
        name: 'DEBUG=True in a Django image',
        code: 'FROM python:3.12-slim\nENV DJANGO_SETTINGS_MODULE=site.settings DEBUG=True\nCMD ["gunicorn", "site.wsgi:application"]\n',
        errors: [{ line: 2, column: 42, endLine: 2, endColumn: 52, messageId: 'env' }],
      },
      { code: 'FROM node:22-slim\nCMD ["node", "--inspect=0.0.0.0:9229", "server.js"]\n', errors: [{ line: 2, column: 14, endLine: 2, endColumn: 38, messageId: 'command' }] },
      {
        name: 'JDWP in ENV and in the entrypoint of the parent stage',
        code: 'FROM eclipse-temurin:21 AS base\nENTRYPOINT java -agentlib:jdwp=transport=dt_socket,server=y,address=*:5005 -jar /app.jar\nFROM base\nENV ASPNETCORE_ENVIRONMENT=Development XDEBUG_MODE=develop,debug\n',
        errors: [
          { line: 2, column: 17, endLine: 2, endColumn: 75, messageId: 'command' },
          { line: 4, column: 5, endColumn: 39, messageId: 'env' },
          { line: 4, column: 40, endColumn: 65, messageId: 'env' },
        ],
      },
      { name: 'debugpy shell form', code: 'FROM python:3.12-slim\nCMD python -m debugpy --listen 0.0.0.0:5678 app.py\n', errors: [{ line: 2, column: 15, endColumn: 22 }] },
    ],
  },
});
