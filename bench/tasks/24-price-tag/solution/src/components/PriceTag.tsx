import { formatMoney, type CurrencyCode } from '../utils/money.ts'

type PriceTagProps = {
  cents: number
  currency: CurrencyCode
}

export default function PriceTag({ cents, currency }: PriceTagProps) {
  return <span className="price-tag">{formatMoney(cents, currency)}</span>
}
