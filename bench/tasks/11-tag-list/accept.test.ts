import { expect, test } from 'bun:test'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import TagList from '../src/components/TagList.tsx'
import { normalizeTags } from '../src/utils/tags.ts'

test('normalizeTags trims, lowercases, dedupes and sorts', () => {
  expect(normalizeTags([' React', 'bun', 'react ', '', '  ', 'TypeScript'])).toEqual(['bun', 'react', 'typescript'])
  expect(normalizeTags([])).toEqual([])
})

test('TagList renders one item per tag', () => {
  expect(renderToStaticMarkup(createElement(TagList, { tags: ['Vite', 'react', 'vite'] }))).toBe(
    '<ul class="tags"><li class="tag">#react</li><li class="tag">#vite</li></ul>',
  )
})

test('TagList with nothing left', () => {
  expect(renderToStaticMarkup(createElement(TagList, { tags: [' ', ''] }))).toBe('<p class="tags-empty">No tags</p>')
})
