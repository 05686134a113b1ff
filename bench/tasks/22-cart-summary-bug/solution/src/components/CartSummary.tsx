export type CartLine = {
  name: string
  price: number
  quantity: number
}

type CartSummaryProps = {
  lines: CartLine[]
}

export default function CartSummary({ lines }: CartSummaryProps) {
  const count = lines.reduce((sum, line) => sum + line.quantity, 0)
  const total = lines.reduce((sum, line) => sum + line.price * line.quantity, 0)
  return (
    <p className="cart-summary">
      {count} {count === 1 ? 'item' : 'items'}, total {total.toFixed(2)}
    </p>
  )
}
