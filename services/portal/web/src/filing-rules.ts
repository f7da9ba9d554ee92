import { type DraftContent, FilingContent, filingProblems } from './proto';

/**
 * The filing contract's rules for one field of the filing form, from proto/src/filing.ts, so the form
 * says what the service would. In Chinese, as the contract has them; the form shows them translated.
 */
export type ContentField = keyof FilingContent & string;

/** The contract's sentence for each field left empty (with the fields asked only when published or partial). */
const missing = filingProblems({ published: true, rightsScope: 'partial' }, { complete: true });

/** What the contract says when the field is left empty, if it asks for it. */
export const missingSentence = (field: ContentField) => missing.find((p) => p.field === field)?.message;

/** What the contract says against the field among the form's values: its schema, then filingProblems' cross-field checks. */
export function contentProblem(field: ContentField, values: DraftContent): string | undefined {
  const value = values[field];
  if (value !== undefined && value !== '' && value !== null) {
    const issue = FilingContent.pick({ [field]: true } as Partial<Record<ContentField, true>>).safeParse({
      [field]: value,
    }).error?.issues[0];
    if (issue) return issue.message;
  }
  return filingProblems(values, { complete: false }).find((p) => p.field === field)?.message;
}
