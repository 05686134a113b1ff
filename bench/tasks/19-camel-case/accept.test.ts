import { expect, test } from 'bun:test'
import { toCamelCase } from '../src/utils/camelCase.ts'

test('separators', () => {
  expect(toCamelCase('hello world')).toBe('helloWorld')
  expect(toCamelCase('--user_id--')).toBe('userId')
  expect(toCamelCase('a-b_c d')).toBe('aBCD')
})

test('later words keep the rest as written', () => {
  expect(toCamelCase('get HTTP response')).toBe('getHTTPResponse')
  expect(toCamelCase('Parse JSON fast')).toBe('parseJSONFast')
})

test('first word is lowercased', () => {
  expect(toCamelCase('HELLO there')).toBe('helloThere')
  expect(toCamelCase('')).toBe('')
})
