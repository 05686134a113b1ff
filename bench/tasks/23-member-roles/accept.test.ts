import { expect, test } from 'bun:test'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import MemberRow from '../src/components/MemberRow.tsx'

const member = (roles: Array<{ id: string; label: string }>) => ({ id: 'm1', fullName: 'Ann Lee', roles })

test('the role labels follow the name', () => {
  expect(renderToStaticMarkup(createElement(MemberRow, { member: member([{ id: 'a', label: 'Admin' }, { id: 'e', label: 'Editor' }]) }))).toBe(
    '<li class="member-row"><span class="name">Ann Lee</span><span class="roles">Admin, Editor</span></li>',
  )
})

test('no roles, no span', () => {
  expect(renderToStaticMarkup(createElement(MemberRow, { member: member([]) }))).toBe('<li class="member-row"><span class="name">Ann Lee</span></li>')
})
