export function normalizeTags(tags: readonly string[]): string[] {
  const unique = new Set(tags.map((tag) => tag.trim().toLowerCase()).filter((tag) => tag.length > 0))
  return [...unique].sort()
}
