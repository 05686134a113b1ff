export interface Account {
  id: number
  givenName: string
  familyName: string
}
