type BadgeTone = 'neutral' | 'success' | 'warning' | 'danger'

type BadgeProps = {
  label: string
  tone?: BadgeTone
}

export default function Badge({ label, tone = 'neutral' }: BadgeProps) {
  return <span className={`badge badge-${tone}`}>{label}</span>
}
