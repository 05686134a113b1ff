import { expect, test } from 'bun:test'
import { clamp } from '../src/utils/clamp.ts'

test('inside, below and above the range', () => {
  expect(clamp(5, 0, 10)).toBe(5)
  expect(clamp(-3, 0, 10)).toBe(0)
  expect(clamp(42, 0, 10)).toBe(10)
  expect(clamp(10, 0, 10)).toBe(10)
  expect(clamp(-Infinity, -1, 1)).toBe(-1)
})

test('NaN gives min', () => {
  expect(clamp(Number.NaN, 2, 4)).toBe(2)
})

test('min greater than max throws', () => {
  expect(() => clamp(1, 5, 0)).toThrow(RangeError)
})
