import { expect, test } from 'bun:test'
import { formatBytes } from '../src/utils/formatBytes.ts'

test('bytes', () => {
  expect(formatBytes(0)).toBe('0 B')
  expect(formatBytes(1023)).toBe('1023 B')
})

test('larger units with one decimal', () => {
  expect(formatBytes(1024)).toBe('1.0 KB')
  expect(formatBytes(1536)).toBe('1.5 KB')
  expect(formatBytes(1048576)).toBe('1.0 MB')
  expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GB')
  expect(formatBytes(2048 * 1024 ** 4)).toBe('2048.0 TB')
})

test('negative throws', () => {
  expect(() => formatBytes(-1)).toThrow(RangeError)
})
