import { expect, test } from 'bun:test'
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import Rating from '../src/components/Rating.tsx'

const render = (props: { value: number; max?: number }) => renderToStaticMarkup(createElement(Rating, props))

test('rounds to the nearest half', () => {
  expect(render({ value: 3.4 })).toBe('<span class="rating" role="img" aria-label="3.5 out of 5">★★★⯨☆</span>')
  expect(render({ value: 3.2 })).toBe('<span class="rating" role="img" aria-label="3 out of 5">★★★☆☆</span>')
})

test('kept between 0 and max', () => {
  expect(render({ value: 9 })).toContain('>★★★★★</span>')
  expect(render({ value: -1 })).toContain('aria-label="0 out of 5">☆☆☆☆☆</span>')
})

test('custom max', () => {
  expect(render({ value: 1.5, max: 3 })).toBe('<span class="rating" role="img" aria-label="1.5 out of 3">★⯨☆</span>')
})
