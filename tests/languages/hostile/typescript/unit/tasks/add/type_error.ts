// Returns a string: tsc refuses it (a compile error), though JavaScript would run it.
export function add(a: number, b: number): number {
  return `${a + b}`;
}
