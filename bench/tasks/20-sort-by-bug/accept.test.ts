import { expect, test } from 'bun:test'
import { sortBy } from '../src/utils/sortBy.ts'

type Row = { id: string; age?: number | null }

const rows: Row[] = [
  { id: 'a', age: 30 },
  { id: 'b', age: 20 },
  { id: 'c', age: 30 },
  { id: 'd', age: null },
  { id: 'e', age: 20 },
  { id: 'f' },
]

const ids = (list: Row[]) => list.map((r) => r.id).join('')

test('ascending is stable, missing keys last', () => {
  expect(ids(sortBy(rows, 'age'))).toBe('beacdf')
  expect(ids(sortBy(rows, 'age', 'asc'))).toBe('beacdf')
})

test('descending is stable, missing keys last', () => {
  expect(ids(sortBy(rows, 'age', 'desc'))).toBe('acbedf')
})

test('strings and an unchanged input', () => {
  const copy = [...rows]
  expect(ids(sortBy(rows, 'id', 'desc'))).toBe('fedcba')
  expect(rows).toEqual(copy)
})
