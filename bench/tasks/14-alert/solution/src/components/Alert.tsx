import type { ReactNode } from 'react'

type AlertKind = 'info' | 'success' | 'warning' | 'error'

type AlertProps = {
  kind: AlertKind
  title: string
  children?: ReactNode
}

export default function Alert({ kind, title, children }: AlertProps) {
  const role = kind === 'warning' || kind === 'error' ? 'alert' : 'status'
  return (
    <div className={`alert alert-${kind}`} role={role}>
      <strong className="alert-title">{title}</strong>
      {children ? <div className="alert-body">{children}</div> : null}
    </div>
  )
}
