import { expect, test } from 'bun:test'
import { mean, median } from '../src/utils/stats.ts'

test('sorts numbers as numbers', () => {
  expect(median([10, 9, 1])).toBe(9)
  expect(median([100, 20, 3])).toBe(20)
})

test('even count averages the middle two', () => {
  expect(median([4, 1, 3, 2])).toBe(2.5)
  expect(median([10, 2])).toBe(6)
})

test('empty and unchanged input', () => {
  expect(median([])).toBeNaN()
  const values = [3, 1, 2]
  expect(median(values)).toBe(2)
  expect(values).toEqual([3, 1, 2])
})

test('mean still works', () => {
  expect(mean([1, 2, 3, 4])).toBe(2.5)
})
