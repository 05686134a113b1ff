type AvatarProps = {
  name: string
  size?: number
}

function initials(name: string): string {
  const words = name.trim().split(/\s+/).filter((word) => word.length > 0)
  if (words.length === 0) return ''
  const first = words[0].charAt(0)
  const last = words.length > 1 ? words[words.length - 1].charAt(0) : ''
  return (first + last).toUpperCase()
}

export default function Avatar({ name, size = 32 }: AvatarProps) {
  return (
    <span className="avatar" title={name} style={{ width: size, height: size }}>
      {initials(name)}
    </span>
  )
}
