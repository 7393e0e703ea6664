// Hashtag chips of the ask form: at most 5, reduced to the form the server stores
// (kit/hashtags.py: NFC, no leading #, word characters only, lower case).

export const MAX_HASHTAGS = 5;
const MAX_TAG_LENGTH = 30;

/** "#성산 " -> "성산"; empty when nothing is left. */
export function normalizeTag(raw: string): string {
  return raw
    .normalize("NFC")
    .trim()
    .replace(/^#+/, "")
    .replace(/[^\p{L}\p{M}\p{N}_]/gu, "")
    .toLowerCase()
    .slice(0, MAX_TAG_LENGTH);
}

export type AddResult = { tags: string[]; added: boolean; reason?: "empty" | "duplicate" | "full" };

export function addTag(tags: readonly string[], raw: string): AddResult {
  const tag = normalizeTag(raw);
  if (!tag) return { tags: [...tags], added: false, reason: "empty" };
  if (tags.includes(tag)) return { tags: [...tags], added: false, reason: "duplicate" };
  if (tags.length >= MAX_HASHTAGS) return { tags: [...tags], added: false, reason: "full" };
  return { tags: [...tags, tag], added: true };
}

/** Text typed into the chip input: each separator (space, comma, Enter) ends a chip. */
export function splitTagInput(text: string): { complete: string[]; rest: string } {
  const parts = text.split(/[\s,]+/);
  const rest = parts.pop() ?? "";
  return { complete: parts.filter((p) => normalizeTag(p) !== ""), rest };
}

export function removeTag(tags: readonly string[], tag: string): string[] {
  return tags.filter((t) => t !== tag);
}
