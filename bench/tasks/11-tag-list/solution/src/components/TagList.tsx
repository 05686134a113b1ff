import { normalizeTags } from '../utils/tags.ts'

type TagListProps = {
  tags: readonly string[]
}

export default function TagList({ tags }: TagListProps) {
  const normalized = normalizeTags(tags)
  if (normalized.length === 0) return <p className="tags-empty">No tags</p>
  return (
    <ul className="tags">
      {normalized.map((tag) => (
        <li key={tag} className="tag">
          {`#${tag}`}
        </li>
      ))}
    </ul>
  )
}
