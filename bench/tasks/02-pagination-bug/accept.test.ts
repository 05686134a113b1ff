import { expect, test } from 'bun:test'
import { pageCount, pageSlice } from '../src/utils/pagination.ts'

test('pageCount counts a partly filled last page', () => {
  expect(pageCount(10, 3)).toBe(4)
  expect(pageCount(9, 3)).toBe(3)
  expect(pageCount(1, 50)).toBe(1)
  expect(pageCount(0, 3)).toBe(0)
})

test('pageSlice numbers pages from 1', () => {
  expect(pageSlice([1, 2, 3, 4, 5], 1, 2)).toEqual([1, 2])
  expect(pageSlice([1, 2, 3, 4, 5], 2, 2)).toEqual([3, 4])
  expect(pageSlice([1, 2, 3, 4, 5], 3, 2)).toEqual([5])
})

test('pages out of range are empty', () => {
  expect(pageSlice([1, 2, 3], 0, 2)).toEqual([])
  expect(pageSlice([1, 2, 3], -1, 2)).toEqual([])
  expect(pageSlice([1, 2, 3], 3, 2)).toEqual([])
})

test('pageSize must be positive', () => {
  expect(() => pageCount(10, 0)).toThrow(RangeError)
  expect(() => pageSlice([1], 1, 0)).toThrow(RangeError)
})
