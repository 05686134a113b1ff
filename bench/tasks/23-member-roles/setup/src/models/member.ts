export interface Role {
  id: string
  label: string
}

export interface Member {
  id: string
  fullName: string
  roles: Role[]
}
