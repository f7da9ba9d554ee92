import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import * as proto from '../src/index';
import {
  DraftInput,
  FilingContent,
  fieldLabel,
  fieldLabels,
  localizedIssueMessage,
  ProfileInput,
  ReviewInput,
  RolesInput,
  residentIdCheckChar,
  UserSearchQuery,
} from '../src/index';

const rid = (first17: string) => first17 + residentIdCheckChar(first17);

const holder = {
  holderType: 'individual',
  name: '张三',
  idType: 'resident_id',
  idNumber: rid('33010619900307123'),
  region: '330106',
};
const content = {
  title: '西湖晨雾',
  workType: 'fine_art',
  creationNature: 'original',
  completedOn: '2026-01-10',
  published: false,
  ownershipMode: 'individual',
  acquisitionMode: 'original',
  rightsScope: 'all',
  description: '以西湖晨雾为主要元素。',
  creationProcess: '写生后创作。',
  holders: [holder],
  authors: [{ name: '张三' }],
  invoiceEmail: 'zhang@example.com',
  certificateDelivery: 'mail',
};
const profile = {
  category: 'individual',
  name: '张三',
  idType: 'resident_id',
  idNumber: rid('33010619900307123'),
  handler: '张三',
  handlerMobile: '13800000000',
  invoiceEmail: 'zhang@example.com',
  recipient: '张三',
  recipientMobile: '13800000000',
  mailingAddress: '浙江省杭州市西湖区文三路1号',
};

/** Schema, input, the field at fault, and the sentence expected for it in Chinese and English. */
const cases: [string, z.ZodType, unknown, string, string, string][] = [
  [
    'too many copyright holders',
    FilingContent,
    { ...content, holders: Array.from({ length: 21 }, () => holder) },
    'holders',
    '著作权人最多20位',
    'Copyright holders: at most 20.',
  ],
  [
    'too many authors',
    FilingContent,
    { ...content, authors: Array.from({ length: 51 }, (_, i) => ({ name: `作者${i}` })) },
    'authors',
    '作者最多50位',
    'Authors: at most 50.',
  ],
  [
    'too long a title',
    FilingContent,
    { ...content, title: '题'.repeat(201) },
    'title',
    '作品名称不能超过200字',
    'Title must not be longer than 200 characters.',
  ],
  ['an empty title', FilingContent, { ...content, title: '' }, 'title', '请填写作品名称', 'Please fill in title.'],
  ['no title', FilingContent, { ...content, title: undefined }, 'title', '请填写作品名称', 'Please fill in title.'],
  [
    'a title that is a number',
    FilingContent,
    { ...content, title: 7 },
    'title',
    '作品名称应为文字',
    'Title must be text.',
  ],
  [
    'an unknown work type',
    FilingContent,
    { ...content, workType: 'poem' },
    'workType',
    '作品类别不是可选的值，请从选项中选择',
    'Work type is not one of the options.',
  ],
  [
    'no work type',
    FilingContent,
    { ...content, workType: undefined },
    'workType',
    '请选择作品类别',
    'Please choose work type.',
  ],
  [
    'a date that is no date',
    FilingContent,
    { ...content, completedOn: '2026-02-30' },
    'completedOn',
    '创作完成日期应为有效日期，如 2026-01-31',
    'Date of completion must be a real date, like 2026-01-31.',
  ],
  [
    'a bad email',
    FilingContent,
    { ...content, invoiceEmail: 'nope' },
    'invoiceEmail',
    '电子发票接收邮箱不是有效的邮箱地址',
    'E-invoice email is not a valid email address.',
  ],
  [
    "a holder's empty name",
    FilingContent,
    { ...content, holders: [holder, { ...holder, name: '' }] },
    'holders.1.name',
    '请填写第2位著作权人的姓名或名称',
    'Please fill in name of copyright holder 2.',
  ],
  [
    "a holder's bad ID number",
    FilingContent,
    { ...content, holders: [{ ...holder, idNumber: '330106199003071230' }] },
    'holders.0.idNumber',
    '第1位著作权人：居民身份证号校验位不正确，请仔细核对',
    'Copyright holder 1: The check character of the resident ID number is wrong: please check it.',
  ],
  [
    "a holder's full-width ID number",
    FilingContent,
    { ...content, holders: [{ ...holder, idNumber: '３３０１０６19900307123X' }] },
    'holders.0.idNumber',
    '第1位著作权人：证件号第1位是全角字符"３"，请改用半角数字（输入法切换到英文或半角后输入"3"）',
    'Copyright holder 1: The 1st character of the ID number, "３", is full-width: type the half-width digit "3" instead.',
  ],
  [
    "an author's long name",
    FilingContent,
    { ...content, authors: [{ name: '名'.repeat(101) }] },
    'authors.0.name',
    '第1位作者的姓名不能超过100字',
    'Name of author 1 must not be longer than 100 characters.',
  ],
  [
    'a draft of the filing',
    DraftInput,
    { content: { holders: [{ ...holder, region: '3' }] } },
    'content.holders.0.region',
    '第1位著作权人的所在区域不能少于2字',
    'Region of copyright holder 1 must be at least 2 characters long.',
  ],
  [
    'an empty reason',
    ReviewInput,
    { decision: 'return', reasons: ['请补充说明', ' '] },
    'reasons.1',
    '请填写第2条理由',
    'Please fill in reason 2.',
  ],
  [
    'too long a reason',
    ReviewInput,
    { decision: 'return', reasons: ['理'.repeat(501)] },
    'reasons.0',
    '第1条理由不能超过500字',
    'Reason 1 must not be longer than 500 characters.',
  ],
  [
    'too many reasons',
    ReviewInput,
    { decision: 'return', reasons: Array(21).fill('理由') },
    'reasons',
    '理由最多20条',
    'Reasons: at most 20.',
  ],
  ['no role', RolesInput, { roles: [] }, 'roles', '请至少填写1个角色', 'Add at least 1 role.'],
  [
    'a missing profile name',
    ProfileInput,
    { ...profile, name: undefined },
    'name',
    '请填写姓名或名称',
    'Please fill in name.',
  ],
  [
    'a long pen name',
    ProfileInput,
    { ...profile, penName: '笔'.repeat(101) },
    'penName',
    '笔名不能超过100字',
    'Pen name must not be longer than 100 characters.',
  ],
  ['a page below 1', UserSearchQuery, { q: '张三', page: '0' }, 'page', '页码不能小于1', 'Page must be at least 1.'],
  [
    'a page size above 100',
    UserSearchQuery,
    { q: '张三', pageSize: '500' },
    'pageSize',
    '每页条数不能大于100',
    'Page size must be at most 100.',
  ],
];

const unreadable = /期望|>=|<=|expected|received|invalid input|\w+\.\d+(\.\w+)?/i;

describe('validation messages name the field by its label (one error map)', () => {
  it.each(cases)('%s', (_what, schema, input, field, zh, en) => {
    const r = schema.safeParse(input);
    expect(r.success).toBe(false);
    const issue = r.error!.issues.find((i) => i.path.join('.') === field);
    expect(issue, `no issue at ${field}: ${JSON.stringify(r.error!.issues)}`).toBeDefined();
    expect(localizedIssueMessage(issue!, 'zh')).toBe(zh);
    expect(localizedIssueMessage(issue!, 'en')).toBe(en);
    for (const i of r.error!.issues) {
      for (const message of [localizedIssueMessage(i, 'zh'), localizedIssueMessage(i, 'en')]) {
        expect(message).not.toMatch(unreadable);
      }
    }
  });

  it('labels paths as people read them', () => {
    expect(fieldLabel(['content', 'holders', 0, 'idNumber'], 'zh')).toBe('第1位著作权人的证件号码');
    expect(fieldLabel(['content', 'holders', 0, 'idNumber'], 'en')).toBe('ID number of copyright holder 1');
    expect(fieldLabel(['samples', 2, 'name'], 'zh')).toBe('第3个作品样本的文件名');
    expect(fieldLabel([], 'zh')).toBeUndefined();
  });

  it('has a label for every field of every input schema (bodies, queries, path parameters)', () => {
    const keys = new Set<string>();
    const seen = new Set<unknown>();
    const walk = (s: unknown, parent?: string) => {
      if (!s || typeof s !== 'object' || seen.has(s)) return;
      seen.add(s);
      const def = (s as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
      if (!def) return;
      if (def.type === 'object') {
        for (const [k, v] of Object.entries(def.shape as Record<string, unknown>)) {
          if (!['content', 'body', 'query', 'params'].includes(k)) keys.add(k);
          walk(v, k);
        }
      }
      for (const inner of [def.element, def.innerType, def.in, def.out, def.schema]) walk(inner, parent);
      for (const option of (def.options as unknown[] | undefined) ?? []) walk(option, parent);
    };
    // Workflow and activity messages, and the error body itself, are no user's input.
    const internal = [
      'RegistrationInput',
      'RevocationInput',
      'NoticeInput',
      'RevocationNoticeInput',
      'ServiceRequestInput',
      'ServiceNoticeInput',
      'ProbeInput',
      'ErrorBody',
    ];
    const inputs = Object.entries(proto).filter(
      ([name]) => /(Input|Query|Params|Param|Body)$/.test(name) && !internal.includes(name),
    );
    expect(inputs.length).toBeGreaterThan(10);
    for (const [, schema] of inputs) walk(schema);
    walk(FilingContent);
    const missing = [...keys].filter((k) => !fieldLabels[k]);
    expect(missing).toEqual([]);
  });
});
