import { expect, test } from 'bun:test'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import Avatar from '../src/components/Avatar.tsx'

const render = (props: { name: string; size?: number }) => renderToStaticMarkup(createElement(Avatar, props))

test('initials of the first and last word', () => {
  expect(render({ name: 'ada lovelace' })).toContain('>AL</span>')
  expect(render({ name: 'Grace Brewster Hopper' })).toContain('>GH</span>')
  expect(render({ name: '  Plato ' })).toContain('>P</span>')
})

test('class, title and default size', () => {
  const html = render({ name: 'Ada Lovelace' })
  expect(html.startsWith('<span')).toBe(true)
  expect(html).toContain('class="avatar"')
  expect(html).toContain('title="Ada Lovelace"')
  expect(html).toContain('width:32px')
  expect(html).toContain('height:32px')
})

test('size sets width and height', () => {
  const html = render({ name: 'Alan Turing', size: 48 })
  expect(html).toContain('width:48px')
  expect(html).toContain('height:48px')
})
