import { expect, test } from 'bun:test'
import { slugify } from '../src/utils/slugify.ts'

test('punctuation and spaces become single dashes', () => {
  expect(slugify('  Hello, World!  ')).toBe('hello-world')
  expect(slugify('React 19 -- what is new?')).toBe('react-19-what-is-new')
})

test('accents are removed, not dropped', () => {
  expect(slugify('Crème Brûlée')).toBe('creme-brulee')
  expect(slugify('Ångström café')).toBe('angstrom-cafe')
})

test('nothing sluggable gives an empty string', () => {
  expect(slugify('!!!')).toBe('')
})
