import { expect, test } from 'bun:test'
import { chunk } from '../src/utils/chunk.ts'

test('splits with a shorter last chunk', () => {
  expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]])
  expect(chunk(['a', 'b', 'c'], 3)).toEqual([['a', 'b', 'c']])
  expect(chunk([1, 2], 5)).toEqual([[1, 2]])
})

test('empty input', () => {
  expect(chunk([], 3)).toEqual([])
})

test('does not change the input', () => {
  const items = [1, 2, 3]
  chunk(items, 1)
  expect(items).toEqual([1, 2, 3])
})

test('bad sizes throw', () => {
  expect(() => chunk([1], 0)).toThrow(RangeError)
  expect(() => chunk([1], 1.5)).toThrow(RangeError)
})
