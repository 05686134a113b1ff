import { expect, test } from 'bun:test'
import { toRoman } from '../src/utils/roman.ts'

test('subtractive pairs', () => {
  expect(toRoman(4)).toBe('IV')
  expect(toRoman(9)).toBe('IX')
  expect(toRoman(40)).toBe('XL')
  expect(toRoman(90)).toBe('XC')
  expect(toRoman(400)).toBe('CD')
  expect(toRoman(900)).toBe('CM')
})

test('whole numbers', () => {
  expect(toRoman(1)).toBe('I')
  expect(toRoman(14)).toBe('XIV')
  expect(toRoman(1994)).toBe('MCMXCIV')
  expect(toRoman(2024)).toBe('MMXXIV')
  expect(toRoman(3999)).toBe('MMMCMXCIX')
})

test('out of range', () => {
  expect(() => toRoman(0)).toThrow(RangeError)
  expect(() => toRoman(4000)).toThrow(RangeError)
  expect(() => toRoman(2.5)).toThrow(RangeError)
})
