import { describe, expect, it } from 'vitest'
import { type KeywordType, keywordProblem } from '../src/index.js'

// WeChat's keyword table (protocols.md §4.2): what each type accepts and refuses.
const cases: Record<KeywordType, { ok: string[]; bad: string[] }> = {
  thing: {
    ok: ['南京盐水鸭', 'x'.repeat(20), '一二三四五六七八九十一二三四五六七八九十'],
    bad: ['x'.repeat(21), '一二三四五六七八九十一二三四五六七八九十一', ' '],
  },
  number: { ok: ['12', '12.50', '-3', '1'.repeat(32)], bad: ['1'.repeat(33), '12a', '¥12', '1.2.3'] },
  letter: { ok: ['abc', 'ABCxyz', 'a'.repeat(32)], bad: ['a'.repeat(33), 'ab1', 'a b'] },
  symbol: { ok: ['%', '+-*/', '¥$€£#'], bad: ['%%%%%%', 'a', '1'] },
  character_string: {
    ok: ['20250106AbCd', 'ORD-1_2/3', 'a'.repeat(32)],
    bad: ['a'.repeat(33), '订单1', 'a b'],
  },
  time: {
    ok: [
      '15:01',
      '2025年1月6日 15:01',
      '2025-01-06 15:01:59',
      '15:00~16:00',
      '2025-01-06 09:00 ~ 2025-01-06 18:00',
    ],
    bad: ['25:00', '2025-01-06', '3pm'],
  },
  date: {
    ok: ['2025年1月6日', '2025-01-06', '2025/1/6 15:01', '2025-01-06~2025-01-08'],
    bad: ['15:01', 'Jan 6', '2025-1'],
  },
  amount: {
    ok: ['¥88.00', '￥88', '88元', '$12.5', '1234567890'],
    bad: ['USD 88.00', '¥12345678901', '¥1.234', '八十八元'],
  },
  phone_number: {
    ok: ['13800138000', '+86-10-12345678', '(010) 1234 5678'],
    bad: ['1'.repeat(18), '138001380OO'],
  },
  car_number: { ok: ['粤A8Y888', '京A12345', 'AB12345警'], bad: ['粤A8Y8888警', '粤-A123', '粤A京123'] },
  name: {
    ok: ['王小明', '欧阳娜娜', 'Alice Smith', 'Mary-Jane'],
    bad: ['王小明王小明王小明王小', 'A'.repeat(21), 'R2D2'],
  },
  phrase: { ok: ['配送中', '已完成', '待付款了吗'], bad: ['配送中的订单啊', 'done', '配送 中'] },
  text: { ok: ['anything at all, 任何内容'], bad: ['', 'x'.repeat(201)] },
}

describe('keywordProblem: WeChat keyword rules', () => {
  for (const [type, { ok, bad }] of Object.entries(cases) as [
    KeywordType,
    { ok: string[]; bad: string[] },
  ][]) {
    it(`${type}: accepts ${ok.length} and refuses ${bad.length} sample values`, () => {
      for (const v of ok)
        expect(keywordProblem(type, v), `${type} should accept ${JSON.stringify(v)}`).toBeNull()
      for (const v of bad)
        expect(keywordProblem(type, v), `${type} should refuse ${JSON.stringify(v)}`).not.toBeNull()
    })
  }

  it('refuses empty values of every type', () => {
    for (const type of Object.keys(cases) as KeywordType[])
      expect(keywordProblem(type, '')).toBe('must not be empty')
  })
})
