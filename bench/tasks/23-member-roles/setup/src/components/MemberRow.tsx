import type { Member } from '../models/member.ts'

type MemberRowProps = {
  member: Member
}

export default function MemberRow({ member }: MemberRowProps) {
  return (
    <li className="member-row">
      <span className="name">{member.fullName}</span>
    </li>
  )
}
