import { expect, test } from 'bun:test'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import EmptyState from '../src/components/EmptyState.tsx'

const noop = () => {}

test('title only', () => {
  expect(renderToStaticMarkup(createElement(EmptyState, { title: 'No projects' }))).toBe(
    '<section class="empty-state"><h2>No projects</h2></section>',
  )
})

test('message and action', () => {
  expect(
    renderToStaticMarkup(
      createElement(EmptyState, { title: 'No projects', message: 'Create one to start.', actionLabel: 'New project', onAction: noop }),
    ),
  ).toBe('<section class="empty-state"><h2>No projects</h2><p>Create one to start.</p><button type="button">New project</button></section>')
})

test('no button without both label and callback', () => {
  expect(renderToStaticMarkup(createElement(EmptyState, { title: 'T', actionLabel: 'Go' }))).not.toContain('<button')
  expect(renderToStaticMarkup(createElement(EmptyState, { title: 'T', onAction: noop }))).not.toContain('<button')
})
