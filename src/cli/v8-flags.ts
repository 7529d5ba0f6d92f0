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
 */
export const CLI_V8_FLAGS: readonly string[] = ['--liftoff-only', '--heap-growing-percent=25'];
