import type { Member } from '../models/member.ts'

type MemberRowProps = {
  member: Member
}

export default function MemberRow({ member }: MemberRowProps) {
  return (
    <li className="member-row">
      <span className="name">{member.fullName}</span>
      {member.roles.length > 0 && <span className="roles">{member.roles.map((role) => role.label).join(', ')}</span>}
    </li>
  )
}
