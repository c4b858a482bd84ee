/**
 * Quota keys and values of every awkward kind a device (or a hostile cloud) may send: quotes,
 * backslashes and newlines, units in parentheses, non-ASCII, empty and dot-only keys, text that
 * looks like exposition syntax, a leading digit, NaN/Infinity strings, extreme numbers, nesting.
 */
export const AWKWARD_QUOTAS: Readonly<Record<string, unknown>> = {
  'a"b\\c\nd': 1,
  'temp (°C)': 21.5,
  'ünï.cödé': 2,
  '💡.watts': 3,
  '': 4,
  '...': 5,
  '{label="x"}': 6,
  '# HELP x': 7,
  '9lives': 9,
  nanString: 'NaN',
  infString: 'Infinity',
  huge: 1.7976931348623157e308,
  tiny: -1.7976931348623157e308,
  small: 1e-7,
  negativeZero: -0,
  // biome-ignore lint/correctness/noPrecisionLoss: a number JSON.parse loses digits of, as a device may send it
  bigint: 12345678901234567890,
  nested: { list: [{ x: 1 }, { x: 2 }], 'odd key': [[1, 2], [3]] },
};
