export function truncate(text: string, maxLength: number): string {
  if (maxLength < 1) throw new RangeError('maxLength must be at least 1')
  if (text.length <= maxLength) return text
  return `${text.slice(0, maxLength - 1).trimEnd()}…`
}
