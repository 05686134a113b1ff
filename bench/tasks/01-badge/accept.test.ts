import { expect, test } from 'bun:test'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import Badge from '../src/components/Badge.tsx'

test('default tone is neutral', () => {
  expect(renderToStaticMarkup(createElement(Badge, { label: 'New' }))).toBe('<span class="badge badge-neutral">New</span>')
})

test('tone picks the class', () => {
  expect(renderToStaticMarkup(createElement(Badge, { label: 'Failed', tone: 'danger' }))).toBe(
    '<span class="badge badge-danger">Failed</span>',
  )
})

test('the label is text, not markup', () => {
  expect(renderToStaticMarkup(createElement(Badge, { label: '<b>x</b>', tone: 'success' }))).toBe(
    '<span class="badge badge-success">&lt;b&gt;x&lt;/b&gt;</span>',
  )
})
