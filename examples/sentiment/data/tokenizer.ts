/**
 * Lower-cases and splits text into words, contractions ("n't", "'s") and
 * punctuation, matching the pre-tokenised form of SST-2 so raw user text and
 * the data set tokenise alike.
 */
const TOKEN = /n't|'[a-z]+|[a-z0-9]+(?:[-.][a-z0-9]+)*|[^\sa-z0-9]/g;

export function tokenize(text: string): string[] {
  const lower = text.toLowerCase().replace(/([a-z])n't\b/g, '$1 n\'t');
  return lower.match(TOKEN) ?? [];
}
