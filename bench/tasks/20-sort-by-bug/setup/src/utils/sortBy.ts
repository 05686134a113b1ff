export type SortDirection = 'asc' | 'desc'

export function sortBy<T>(items: readonly T[], key: keyof T, direction: SortDirection = 'asc'): T[] {
  const sorted = [...items].sort((a, b) => {
    if (a[key] < b[key]) return -1
    if (a[key] > b[key]) return 1
    return 0
  })
  return direction === 'desc' ? sorted.reverse() : sorted
}
