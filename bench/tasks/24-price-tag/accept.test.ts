import { expect, test } from 'bun:test'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import PriceTag from '../src/components/PriceTag.tsx'

test('a price in euros', () => {
  expect(renderToStaticMarkup(createElement(PriceTag, { cents: 1999, currency: 'EUR' }))).toBe('<span class="price-tag">€19.99</span>')
})

test('a negative price in dollars', () => {
  expect(renderToStaticMarkup(createElement(PriceTag, { cents: -250, currency: 'USD' }))).toBe('<span class="price-tag">-$2.50</span>')
})
