export function pageCount(totalItems: number, pageSize: number): number {
  if (pageSize <= 0) throw new RangeError('pageSize must be positive')
  return Math.floor(totalItems / pageSize)
}

export function pageSlice<T>(items: readonly T[], page: number, pageSize: number): T[] {
  const start = page * pageSize
  return items.slice(start, start + pageSize)
}
