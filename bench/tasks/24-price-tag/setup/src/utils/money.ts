export type CurrencyCode = 'EUR' | 'USD' | 'GBP'

const SYMBOLS: Record<CurrencyCode, string> = { EUR: '€', USD: '$', GBP: '£' }

export function formatMoney(amountInCents: number, currency: CurrencyCode): string {
  const sign = amountInCents < 0 ? '-' : ''
  const abs = Math.abs(amountInCents)
  return `${sign}${SYMBOLS[currency]}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}
