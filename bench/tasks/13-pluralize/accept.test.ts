import { expect, test } from 'bun:test'
import { pluralize } from '../src/utils/pluralize.ts'

test('default plural adds s', () => {
  expect(pluralize(1, 'item')).toBe('1 item')
  expect(pluralize(0, 'item')).toBe('0 items')
  expect(pluralize(3, 'item')).toBe('3 items')
  expect(pluralize(1.5, 'hour')).toBe('1.5 hours')
})

test('irregular plural', () => {
  expect(pluralize(2, 'person', 'people')).toBe('2 people')
  expect(pluralize(1, 'person', 'people')).toBe('1 person')
})

test('minus one is singular', () => {
  expect(pluralize(-1, 'degree')).toBe('-1 degree')
  expect(pluralize(-2, 'degree')).toBe('-2 degrees')
})
