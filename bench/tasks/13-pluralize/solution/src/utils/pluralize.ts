export function pluralize(count: number, singular: string, plural = `${singular}s`): string {
  const word = Math.abs(count) === 1 ? singular : plural
  return `${count} ${word}`
}
