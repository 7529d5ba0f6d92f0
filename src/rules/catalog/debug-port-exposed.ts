import { finalImageInstructions, portSpecs } from '../helpers/runtime.js';
import { defineRule } from '../types.js';

interface Options {
  /** Port → what listens there. */
  readonly ports: Readonly<Record<string, string>>;
}

/** Ports used by debuggers and remote management interfaces, and nothing common in production. */
const DEBUG_PORTS: Readonly<Record<string, string>> = {
  '5005': 'the Java debugger (JDWP)',
  '9229': 'the Node.js inspector',
  '9222': 'the Chrome DevTools protocol',
  '5678': 'the Python debugger (debugpy)',
  '2345': 'the Go debugger (Delve)',
  '4020': 'the Visual Studio remote debugger',
  '4022': 'the Visual Studio remote debugger',
  '4024': 'the Visual Studio remote debugger',
  '4026': 'the Visual Studio remote debugger',
  '9003': 'the PHP debugger (Xdebug 3)',
};

export default defineRule<{ debugPort: (d: { port: string; what: string }) => string }, Options>({
  meta: {
    id: 'DA803',
    name: 'debug-port-exposed',
    category: 'runtime',
    severity: 'medium',
    cwe: [489],
    description: 'The final image exposes a port used by a debugger, which lets whoever reaches it run code in the process.',
    needs: { instructions: ['EXPOSE'] },
    messages: {
      debugPort: (d) => `Port ${d.port} is the default port of ${d.what}: do not expose debug ports in a production image.`,
    },
    defaultOptions: { ports: DEBUG_PORTS },
  },
  check(model, ctx) {
    const ports = ctx.options.ports;
    for (const f of finalImageInstructions(model)) {
      if (f.instruction.kind !== 'EXPOSE') continue;
      for (const p of portSpecs(model, f.instruction)) {
        if (p.start === null || p.start !== p.end || (p.proto !== null && p.proto.toLowerCase() !== 'tcp')) continue;
        const what = ports[String(p.start)];
        if (what !== undefined) ctx.report({ messageId: 'debugPort', data: { port: String(p.start), what }, range: p.portRange });
      }
    }
  },
  docs: {
    why:
      'Debugger protocols (JDWP, the Node.js inspector, debugpy, Delve, Xdebug) are remote code execution by design: ' +
      'anyone who can connect can evaluate arbitrary code in the process. Exposing their port in the final image ' +
      'invites publishing it, and often means the debugger is also switched on.',
    bad: 'FROM node:22-slim\nEXPOSE 3000 9229\nCMD ["node", "server.js"]\n',
    good: 'FROM node:22-slim\nEXPOSE 3000\nCMD ["node", "server.js"]\n',
    fix: 'Remove the debug port from the production image (use a separate debug stage or target, or a port-forward when debugging). Adjust the list with the `ports` option.',
    references: ['https://cwe.mitre.org/data/definitions/489.html', 'https://nodejs.org/en/learn/getting-started/security-best-practices'],
  },
  tests: {
    valid: [
      'FROM node:22-slim\nEXPOSE 3000 8080\n',
      { name: 'debug stage that is not the final image', code: 'FROM node:22-slim AS debug\nEXPOSE 9229\nFROM node:22-slim\nEXPOSE 3000\n' },
      { name: 'port in a comment', code: 'FROM node:22-slim\n# debug with -p 9229:9229\nEXPOSE 3000\n' },
      { name: 'option drops a port', code: 'FROM eclipse-temurin:21\nEXPOSE 5005\n', options: { ports: {} } },
    ],
    invalid: [
      { code: 'FROM eclipse-temurin:21\nEXPOSE 8080 5005\n', errors: [{ line: 2, column: 13, endLine: 2, endColumn: 17 }] },
      { name: 'with protocol', code: 'FROM python:3.12\nEXPOSE 5678/tcp\n', errors: [{ line: 2, column: 8, endColumn: 12 }] },
    ],
  },
});
