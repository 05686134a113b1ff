export function formatPrice(cents: number, currency = '$'): string {
  const negative = cents < 0
  const abs = Math.abs(Math.round(cents))
  const whole = Math.floor(abs / 100)
  const rest = abs % 100
  return `${negative ? '-' : ''}${currency}${whole}.${rest}`
}
