export type SortDirection = 'asc' | 'desc'

export function sortBy<T>(items: readonly T[], key: keyof T, direction: SortDirection = 'asc'): T[] {
  const sign = direction === 'desc' ? -1 : 1
  return [...items].sort((a, b) => {
    const x = a[key]
    const y = b[key]
    if (x == null || y == null) return x == null ? (y == null ? 0 : 1) : -1
    if (x < y) return -sign
    if (x > y) return sign
    return 0
  })
}
