import { expect, test } from 'bun:test'
import { formatPrice } from '../src/utils/price.ts'

test('two decimals', () => {
  expect(formatPrice(1205)).toBe('$12.05')
  expect(formatPrice(7)).toBe('$0.07')
  expect(formatPrice(1250)).toBe('$12.50')
  expect(formatPrice(0)).toBe('$0.00')
})

test('thousands are grouped', () => {
  expect(formatPrice(100000)).toBe('$1,000.00')
  expect(formatPrice(-123456789)).toBe('-$1,234,567.89')
  expect(formatPrice(99999)).toBe('$999.99')
})

test('currency parameter', () => {
  expect(formatPrice(123456, '€')).toBe('€1,234.56')
})
