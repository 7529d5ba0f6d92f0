/**
 * Whether to colour the text report. Precedence: `--no-color`/`--color` flags, then `NO_COLOR` (any non-empty value
 * disables, https://no-color.org), then `FORCE_COLOR` (non-empty and not `0`/`false` enables), then whether the output is
 * a terminal. Writing to `--output FILE` never colours unless forced.
 */
export function useColor(opts: {
  readonly flag?: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly isTTY: boolean;
}): boolean {
  if (opts.flag !== undefined) return opts.flag;
  const no = opts.env['NO_COLOR'];
  if (no !== undefined && no !== '') return false;
  const force = opts.env['FORCE_COLOR'];
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  return opts.isTTY;
}
