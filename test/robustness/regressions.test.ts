/**
 * Inputs the fuzzer and the pathological suite found to break the pipeline, kept as fixed cases: each must go
 * through without throwing and with every range inside the file.
 */
import { before, describe, it } from 'node:test';
import { runPipeline } from './fuzz-core.js';
import { preparePipeline } from './pipeline.js';

const enc = new TextEncoder();

const CASES: Readonly<Record<string, string>> = {
  // shell: the synthetic terminator of an unterminated heredoc was mapped past the end of the file
  'unterminated heredoc at the end of the file': 'FROM alpine\nRUN  cat <<EOF > /x\nhello\nEOF && apt-get update\n',
  'heredoc body without a final newline': 'FROM alpine\nRUN <<EOF\necho hi',
  'heredoc marker on the last line': 'FROM alpine\nRUN cat <<EOF',
  // parser: ONBUILD recursion and ${ recursion in heredoc detection
  'chained ONBUILD': 'FROM a\n' + 'ONBUILD '.repeat(5000) + 'RUN x\n',
  'deep ${ on a heredoc line': 'FROM a\nRUN <<EOF ' + '${a:-'.repeat(5000) + '\nEOF\n',
  // model: recursion, exponential growth, push(...spread)
  'deep ${ in ENV': 'FROM a\nENV X=' + '${a:-'.repeat(5000) + '\n',
  'ENV doubling': 'FROM a\nENV V=x\n' + 'ENV V=${V}${V}\n'.repeat(40),
  'ARG doubling (unknown parts)': 'FROM a\nARG V\n' + 'ARG V=${V}${V}\n'.repeat(40),
  'long # pattern': 'FROM a\nENV V=aaaa\nENV W=${V#' + 'a'.repeat(5000) + '}\n',
};

describe('regressions', () => {
  before(preparePipeline);
  for (const [name, text] of Object.entries(CASES)) {
    it(name, async () => {
      await runPipeline(enc.encode(text));
    });
  }
});
