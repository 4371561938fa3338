/**
 * Text that is safe to sign, store and show, at most `maxCodePoints` code points long: every lone
 * UTF-16 surrogate is replaced with U+FFFD and the cut falls between code points, never inside a
 * surrogate pair. Every string a host copies from untrusted code into evidence passes through here,
 * because RFC 8785 (and so signing) refuses a lone surrogate.
 *
 * @example
 * boundText('ok \ud800', 100) // 'ok \ufffd'
 * boundText('ab😀', 3) // 'ab😀' (3 code points, 4 UTF-16 units)
 */
export function boundText(text: string, maxCodePoints: number): string {
  const whole = (text as unknown as { toWellFormed(): string }).toWellFormed();
  // A string of at most maxCodePoints units cannot hold more code points than that.
  if (whole.length <= maxCodePoints) return whole;
  let units = 0;
  let points = 0;
  while (units < whole.length && points < maxCodePoints) {
    const code = whole.charCodeAt(units);
    units += code >= 0xd800 && code <= 0xdbff ? 2 : 1;
    points++;
  }
  return whole.slice(0, units);
}
