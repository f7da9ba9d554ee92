import { describe, expect, it } from 'vitest';
import { type ContentField, contentProblem, missingSentence } from '../web/src/filing-rules';
import type { DraftContent } from '../web/src/proto';

/**
 * Issue 16: the filing form says what the contract says. Each field's rules come from proto
 * (the sentence for it left empty, its schema, the cross-field checks of filingProblems), so the
 * form cannot drift from the service's answer. As the form runs them: an empty field gets the
 * sentence for it missing, a filled one its schema's and the cross-field checks' first problem.
 */
function errorsOf(field: ContentField, values: DraftContent): string[] {
  const value = values[field];
  const empty = value === undefined || value === '' || (Array.isArray(value) && value.length === 0);
  const said = empty ? (missingSentence(field) ?? contentProblem(field, values)) : contentProblem(field, values);
  return said ? [said] : [];
}

describe("the filing form's rules are the contract's", () => {
  it.each([
    ['title', {}, '请填写作品名称'],
    ['title', { title: 'x'.repeat(201) }, '作品名称不能超过200字'],
    ['completedOn', {}, '请填写创作/制作完成日期'],
    ['completedOn', { completedOn: '2999-01-01' }, '创作完成日期不能晚于今天'],
    [
      'firstPublishedOn',
      { published: true, completedOn: '2020-02-01', firstPublishedOn: '2020-01-01' },
      '首次发表日期不能早于创作完成日期',
    ],
    ['firstPublishedOn', { published: true }, '已发表作品请填写首次发表日期'],
    ['rights', { rightsScope: 'partial', rights: [] }, '权利拥有状况为“部分”时，请至少选择一项权利'],
    ['invoiceEmail', { invoiceEmail: 'not-an-address' }, '电子发票接收邮箱不是有效的邮箱地址'],
    ['samples', { samples: [] }, '请上传作品样本'],
  ] as [ContentField, DraftContent, string][])('%s with %j: %s', (field, values, sentence) => {
    expect(errorsOf(field, values)).toEqual([sentence]);
  });

  it('a field the contract accepts has no error', () => {
    expect(errorsOf('title', { title: '春江花月夜' })).toEqual([]);
    expect(
      errorsOf('firstPublishedOn', {
        published: true,
        completedOn: '2020-01-01',
        firstPublishedOn: '2020-02-01',
      }),
    ).toEqual([]);
  });
});
