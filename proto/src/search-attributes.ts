import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes that make every waiting registration findable in the Temporal UI.
 * Never a name, ID number or address: search attributes are not encrypted.
 */
export const SearchAttr = {
  RegistrationStatus: defineSearchAttributeKey('RegistrationStatus', SearchAttributeType.KEYWORD),
  /** What it waits on, e.g. `signer:2`, `payment`, `initial-review`. */
  WaitingOn: defineSearchAttributeKey('WaitingOn', SearchAttributeType.KEYWORD),
  StatusSince: defineSearchAttributeKey('StatusSince', SearchAttributeType.DATETIME),
  Region: defineSearchAttributeKey('Region', SearchAttributeType.KEYWORD),
  ReviewDeadline: defineSearchAttributeKey('ReviewDeadline', SearchAttributeType.DATETIME),
  Overdue: defineSearchAttributeKey('Overdue', SearchAttributeType.BOOL),
  WorkType: defineSearchAttributeKey('WorkType', SearchAttributeType.KEYWORD),
  SerialNumber: defineSearchAttributeKey('SerialNumber', SearchAttributeType.KEYWORD),
} as const;

/** `Name=Type` pairs for `temporal server start-dev --search-attribute`. */
export const searchAttributeFlags = (): string[] =>
  Object.values(SearchAttr).map((k) => {
    const type = {
      KEYWORD: 'Keyword',
      DATETIME: 'Datetime',
      BOOL: 'Bool',
      INT: 'Int',
      TEXT: 'Text',
      DOUBLE: 'Double',
      KEYWORD_LIST: 'KeywordList',
    }[k.type as string];
    return `${k.name}=${type}`;
  });
