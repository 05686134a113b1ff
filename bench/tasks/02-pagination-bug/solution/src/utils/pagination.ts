export function pageCount(totalItems: number, pageSize: number): number {
  if (pageSize <= 0) throw new RangeError('pageSize must be positive')
  return Math.ceil(totalItems / pageSize)
}

export function pageSlice<T>(items: readonly T[], page: number, pageSize: number): T[] {
  if (pageSize <= 0) throw new RangeError('pageSize must be positive')
  if (page < 1) return []
  const start = (page - 1) * pageSize
  return items.slice(start, start + pageSize)
}
