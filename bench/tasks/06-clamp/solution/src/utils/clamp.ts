export function clamp(value: number, min: number, max: number): number {
  if (min > max) throw new RangeError(`min (${min}) is greater than max (${max})`)
  if (Number.isNaN(value)) return min
  return Math.min(Math.max(value, min), max)
}
