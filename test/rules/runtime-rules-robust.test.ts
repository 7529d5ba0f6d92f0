// Block F (8xx) rules never crash: random Dockerfiles assembled from awkward fragments produce no internal errors.
import * as assert from 'node:assert/strict';
import { before, test } from 'node:test';
import fc from 'fast-check';
import { INTERNAL_ERROR } from '../../src/engine/run.js';
import { ruleList } from '../../src/rules/registry.generated.js';
import { initShell } from '../../src/shell/index.js';
import { runOne } from '../helpers/rule-run.js';

before(async () => {
  await initShell();
});

const FRAGMENTS = [
  'FROM scratch', 'FROM alpine:3.20 AS a', 'FROM a', 'FROM $X', 'ARG X', 'ARG P=99999', 'ENV PATH=', 'ENV PATH=$PATH:',
  'ENV PATH "${PATH:-x}:y"', 'ENV FLASK_DEBUG', 'EXPOSE', 'EXPOSE $P', 'EXPOSE 1-', 'EXPOSE -1', 'EXPOSE 80/', 'EXPOSE /tcp',
  'EXPOSE 1:2:3/UDP', 'EXPOSE 99999999999999999999', 'VOLUME', 'VOLUME []', 'VOLUME ["/"', 'VOLUME $V', 'WORKDIR', 'WORKDIR ${',
  'WORKDIR ..', 'COPY', 'COPY a', 'COPY a b c', 'COPY <<EOF x\nhi\nEOF', 'ADD ["a"]', 'COPY --from= . .', 'CMD', 'CMD []',
  'CMD ["./x"', 'CMD "', 'ENTRYPOINT ./a "', 'HEALTHCHECK', 'HEALTHCHECK CMD', 'HEALTHCHECK --interval= CMD x',
  'HEALTHCHECK --retries=-0 --timeout=1.5.5s CMD []', 'HEALTHCHECK NONE a b', 'STOPSIGNAL', 'STOPSIGNAL SIGRTMIN+99',
  'STOPSIGNAL 99999999999', 'ONBUILD CMD x', 'ONBUILD', 'RUN apt-get install', 'RUN apk add openssh-server=', 'SHELL ["x"]',
  'ENV JAVA_OPTS="-agentlib:jdwp=server=y"', 'CMD dockerd -H', 'CMD ["dockerd", "--host"]', 'RUN python -m debugpy --listen',
];

test('no Block F rule crashes on awkward input', () => {
  const rules = ruleList.filter((r) => r.meta.id.startsWith('DA8'));
  assert.ok(rules.length >= 20);
  const files: Record<string, string> = { '.dockerignore': '[\n**\n!x\n\\' };
  fc.assert(
    fc.property(fc.array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 8 }), (lines) => {
      const code = lines.join('\n') + '\n';
      for (const rule of rules) {
        const r = runOne(rule, code, undefined, files);
        const crash = r.findings.find((f) => f.messageId === INTERNAL_ERROR);
        assert.equal(crash, undefined, `${rule.meta.id} crashed on:\n${code}\n${crash?.message}`);
      }
    }),
    { numRuns: 150 },
  );
});
