import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * V8 flags the CLI sets on itself (through `v8.setFlagsFromString`, before the grammar is compiled or the heap grows).
 * The launcher sets them before it loads the code cache too: V8 accepts a cache only under the flags it was made with.
 *
 * - `--liftoff-only`: the bash grammar's WebAssembly is not re-optimised in the background. Optimising it gains
 *   nothing measurable here, and Node waits for those background compilations before it exits (~0.5 s per run).
 * - `--heap-growing-percent=25`: the old-generation limit grows by 25 % after each full collection instead of V8's
 *   adaptive factor (up to 4×). A run's live data is small (one file at a time, streamed) and the default let garbage
 *   pile up: peak RSS of one thread over 4,000 files 190 → 143 MB, CPU within the noise (14.6 vs 15.1 s user on a
 *   loaded machine). Smaller young generations (`--semi-space-growth-factor=1`) gave 97 MB but cost 14–29 % more CPU.
 * - `--interrupt-budget=528000` (four times V8's default): a function is sent to the optimising compiler after four
 *   times as much interpreted work. With ~100 rules and the shell layer, most functions are warm but not hot over a
 *   run: the default budget optimised (and, after deopts, re-optimised) hundreds of them, ~20 ms of compiler time each
 *   for the inlining-heavy rule checks, on the core a second thread would use. One thread, corpus (1,475 files),
 *   5 interleaved runs: 3.63 → 3.13 s wall, 5.75 → 4.44 s user at 264,000 (196,608 and 396,000 measured worse).
 *   With the co-audit worker (src/engine/co-audit.ts) two isolates compile the same functions on V8's shared
 *   background threads, and 528,000 measured better than 264,000 in four interleaved sets (corpus, 9–15 runs each:
 *   1.52 vs 1.65, 1.67 vs 1.75, 1.75 vs 1.93, 1.87 vs 2.00 s; ~0.1–0.3 s less user CPU); one thread over 400 files
 *   and the cold start of one file measured the same (0.69 vs 0.69 s; 153 vs 160 ms ± 21).
 */
export const CLI_V8_FLAGS: readonly string[] = ['--liftoff-only', '--heap-growing-percent=25', '--interrupt-budget=528000'];

/** Young-generation size (both semi-spaces, bytes) at which `capYoungGeneration` stops its growth. */
const YOUNG_CAP_BYTES = 16 * 1024 * 1024;
let youngCapped = false;

/**
 * Stops the young generation growing once its semi-spaces reach 8 MB (V8 doubles them up to 16 MB each, 3 × 16 MB of
 * RSS with the space for large objects, when a long run keeps allocating). Its maximum can only be set when Node
 * starts; its growth factor can be set at any time, so the CLI calls this between files and sets the factor to 1 once
 * the size is reached. From the start (1 MB semi-spaces), factor 1 cost 20–25 % more CPU on 10,000 files; at 8 MB the
 * collections are as cheap as at 16 MB (measured: docs/performance.md).
 */
export function capYoungGeneration(): void {
  if (youngCapped) return;
  const newSpace = getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
  if (newSpace === undefined || newSpace.space_size < YOUNG_CAP_BYTES) return;
  setFlagsFromString('--semi-space-growth-factor=1');
  youngCapped = true;
}
