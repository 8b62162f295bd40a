// Counts in messages: "1 change", "3 changes" — never "1 change(s)" or "1 warnings".

/** `n` and the word in the form the count takes (`many` for irregular plurals). */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}
