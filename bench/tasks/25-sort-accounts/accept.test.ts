import { expect, test } from 'bun:test'
import { sortAccounts } from '../src/utils/sortAccounts.ts'

const a = (id: number, givenName: string, familyName: string) => ({ id, givenName, familyName })

test('by family name, then given name', () => {
  const accounts = [a(1, 'Zoe', 'Berg'), a(2, 'Ann', 'Lee'), a(3, 'Adam', 'Berg')]
  expect(sortAccounts(accounts).map((x) => x.id)).toEqual([3, 1, 2])
})

test('the input is left as it is', () => {
  const accounts = [a(1, 'Zoe', 'Lee'), a(2, 'Ann', 'Berg')]
  sortAccounts(accounts)
  expect(accounts.map((x) => x.id)).toEqual([1, 2])
})
