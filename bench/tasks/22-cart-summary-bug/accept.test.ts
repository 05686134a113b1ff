import { expect, test } from 'bun:test'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import CartSummary from '../src/components/CartSummary.tsx'

const line = (price: number, quantity: number) => ({ name: `p${price}`, price, quantity })

test('total multiplies by quantity', () => {
  expect(renderToStaticMarkup(createElement(CartSummary, { lines: [line(2.5, 2), line(1, 3)] }))).toBe(
    '<p class="cart-summary">5 items, total 8.00</p>',
  )
})

test('one item is singular', () => {
  expect(renderToStaticMarkup(createElement(CartSummary, { lines: [line(9.99, 1)] }))).toBe(
    '<p class="cart-summary">1 item, total 9.99</p>',
  )
})

test('empty cart', () => {
  expect(renderToStaticMarkup(createElement(CartSummary, { lines: [] }))).toBe('<p class="cart-summary">0 items, total 0.00</p>')
})
