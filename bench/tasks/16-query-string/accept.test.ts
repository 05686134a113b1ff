import { expect, test } from 'bun:test'
import { parseQuery } from '../src/utils/parseQuery.ts'

test('the example', () => {
  expect(parseQuery('?a=1&b=hello+world&a=2&flag')).toEqual({ a: ['1', '2'], b: 'hello world', flag: '' })
})

test('percent-decoding and = inside values', () => {
  expect(parseQuery('q=caf%C3%A9%20au+lait&eq=a%3Db&x=1=2')).toEqual({ q: 'café au lait', eq: 'a=b', x: '1=2' })
  expect(parseQuery('na%20me=v')).toEqual({ 'na me': 'v' })
})

test('three values and empty pairs', () => {
  expect(parseQuery('t=1&&t=2&t=3&')).toEqual({ t: ['1', '2', '3'] })
  expect(parseQuery('')).toEqual({})
  expect(parseQuery('?')).toEqual({})
})
