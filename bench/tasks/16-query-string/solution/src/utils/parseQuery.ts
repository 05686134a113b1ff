function decode(part: string): string {
  return decodeURIComponent(part.replace(/\+/g, ' '))
}

export function parseQuery(query: string): Record<string, string | string[]> {
  const result: Record<string, string | string[]> = {}
  const text = query.startsWith('?') ? query.slice(1) : query
  for (const pair of text.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const key = decode(eq === -1 ? pair : pair.slice(0, eq))
    const value = eq === -1 ? '' : decode(pair.slice(eq + 1))
    const existing = result[key]
    if (existing === undefined) result[key] = value
    else if (Array.isArray(existing)) existing.push(value)
    else result[key] = [existing, value]
  }
  return result
}
