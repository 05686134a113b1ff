import { expect, test } from 'bun:test'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import ProgressBar from '../src/components/ProgressBar.tsx'

const render = (props: { value: number; max?: number }) => renderToStaticMarkup(createElement(ProgressBar, props))

test('percent of the default max', () => {
  const html = render({ value: 40 })
  expect(html).toContain('class="progress"')
  expect(html).toContain('role="progressbar"')
  expect(html).toContain('aria-valuemin="0"')
  expect(html).toContain('aria-valuemax="100"')
  expect(html).toContain('aria-valuenow="40"')
  expect(html).toContain('<div class="progress-fill" style="width:40%"></div>')
})

test('custom max, rounded', () => {
  const html = render({ value: 1, max: 3 })
  expect(html).toContain('aria-valuenow="33"')
  expect(html).toContain('width:33%')
})

test('kept between 0 and 100', () => {
  expect(render({ value: 150 })).toContain('aria-valuenow="100"')
  expect(render({ value: 150 })).toContain('width:100%')
  expect(render({ value: -5 })).toContain('aria-valuenow="0"')
  expect(render({ value: -5 })).toContain('width:0%')
})
