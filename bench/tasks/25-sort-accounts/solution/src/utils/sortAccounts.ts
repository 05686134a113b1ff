import type { Account } from '../models/account.ts'

export function sortAccounts(accounts: Account[]): Account[] {
  return [...accounts].sort((a, b) => a.familyName.localeCompare(b.familyName) || a.givenName.localeCompare(b.givenName))
}
