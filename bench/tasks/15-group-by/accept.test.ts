import { expect, test } from 'bun:test'
import { groupBy } from '../src/utils/groupBy.ts'

test('groups keep input order', () => {
  const people = [
    { name: 'Ada', team: 'core' },
    { name: 'Bob', team: 'web' },
    { name: 'Cy', team: 'core' },
  ]
  expect(groupBy(people, (p) => p.team)).toEqual({
    core: [people[0], people[2]],
    web: [people[1]],
  })
})

test('computed keys', () => {
  expect(groupBy(['apple', 'avocado', 'banana'], (s) => s[0]!)).toEqual({ a: ['apple', 'avocado'], b: ['banana'] })
})

test('empty input', () => {
  expect(groupBy([], () => 'x')).toEqual({})
})
