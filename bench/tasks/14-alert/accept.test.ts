import { expect, test } from 'bun:test'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import Alert from '../src/components/Alert.tsx'

test('error alert with a body', () => {
  expect(renderToStaticMarkup(createElement(Alert, { kind: 'error', title: 'Save failed' }, 'Disk is full'))).toBe(
    '<div class="alert alert-error" role="alert"><strong class="alert-title">Save failed</strong><div class="alert-body">Disk is full</div></div>',
  )
})

test('warning is an alert too', () => {
  expect(renderToStaticMarkup(createElement(Alert, { kind: 'warning', title: 'Careful' }))).toContain('role="alert"')
})

test('info and success are status, without a body when no children', () => {
  expect(renderToStaticMarkup(createElement(Alert, { kind: 'info', title: 'Saved' }))).toBe(
    '<div class="alert alert-info" role="status"><strong class="alert-title">Saved</strong></div>',
  )
  expect(renderToStaticMarkup(createElement(Alert, { kind: 'success', title: 'Done' }))).toContain('role="status"')
})
