import { expect, test } from 'bun:test'
import { truncate } from '../src/utils/truncate.ts'

test('short text is unchanged', () => {
  expect(truncate('Hello', 5)).toBe('Hello')
  expect(truncate('', 3)).toBe('')
})

test('long text ends with one ellipsis character', () => {
  expect(truncate('Hello brave new world', 12)).toBe('Hello brave…')
  expect(truncate('Hello brave new world', 7)).toBe('Hello…')
  expect(truncate('abcdef', 1)).toBe('…')
})

test('never longer than maxLength', () => {
  for (let n = 1; n < 25; n++) expect(truncate('The quick brown fox jumps', n).length).toBeLessThanOrEqual(n)
})

test('maxLength below 1 throws', () => {
  expect(() => truncate('abc', 0)).toThrow(RangeError)
})
