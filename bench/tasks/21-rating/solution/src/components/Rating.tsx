type RatingProps = {
  value: number
  max?: number
}

export default function Rating({ value, max = 5 }: RatingProps) {
  const rounded = Math.min(max, Math.max(0, Math.round(value * 2) / 2))
  const full = Math.floor(rounded)
  const half = rounded - full === 0.5
  const empty = max - full - (half ? 1 : 0)
  return (
    <span className="rating" role="img" aria-label={`${rounded} out of ${max}`}>
      {'★'.repeat(full) + (half ? '⯨' : '') + '☆'.repeat(empty)}
    </span>
  )
}
