export function toCamelCase(text: string): string {
  const words = text.split(/[\s_-]+/).filter((word) => word.length > 0)
  return words
    .map((word, i) => (i === 0 ? word.toLowerCase() : word.charAt(0).toUpperCase() + word.slice(1)))
    .join('')
}
