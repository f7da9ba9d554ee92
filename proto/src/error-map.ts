import type { z } from 'zod';
import { type FieldLabel, fieldLabels } from './labels';

/**
 * The one place validation messages are written: zod's issues as sentences that name the field
 * by its label on the form (作品名称不能超过200字; 第1位著作权人的证件号码…), in Chinese or English.
 * Installed as zod's locale (z.config) by the package index and the portal; the services' HTTP
 * layer re-renders it in English when the request asks for English. Browser-safe.
 */

export type Lang = 'zh' | 'en';

/** Keys that wrap a body or say where the input came from: they name no field. */
const WRAPPERS = new Set(['content', 'body', 'query', 'params']);

const labelOf = (key: string, parent: string | undefined): FieldLabel | undefined =>
  (parent !== undefined ? fieldLabels[`${parent}.${key}`] : undefined) ?? fieldLabels[key];

/** What a field is called: 第1位著作权人的证件号码 / ID number of copyright holder 1; undefined for the whole input. */
export function fieldLabel(path: readonly PropertyKey[], lang: Lang): string | undefined {
  const parts: string[] = [];
  let parent: string | undefined;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    if (typeof seg === 'string' && WRAPPERS.has(seg)) continue;
    if (typeof seg === 'number' || (typeof seg === 'string' && /^\d+$/.test(seg))) {
      parts.push(lang === 'zh' ? `第${Number(seg) + 1}项` : `item ${Number(seg) + 1}`);
      continue;
    }
    const key = String(seg);
    const label = labelOf(key, parent);
    const next = path[i + 1];
    const indexed = typeof next === 'number' || (typeof next === 'string' && /^\d+$/.test(next));
    const zh = label?.zh ?? (lang === 'zh' ? '此项' : 'this field');
    const en = label?.en ?? 'this field';
    if (indexed) {
      const n = Number(next) + 1;
      parts.push(lang === 'zh' ? `第${n}${label?.unit ?? '项'}${zh}` : `${label?.enItem ?? en} ${n}`);
      i++;
    } else {
      parts.push(lang === 'zh' ? zh : en);
    }
    parent = key;
  }
  if (parts.length === 0) return undefined;
  return lang === 'zh' ? parts.join('的') : parts.reverse().join(' of ');
}

/** The label of the list item a path lies in (第1位著作权人), for messages written for one field. */
export function itemLabel(path: readonly PropertyKey[], lang: Lang): string | undefined {
  let last = -1;
  path.forEach((seg, i) => {
    if (typeof seg === 'number' || (typeof seg === 'string' && /^\d+$/.test(seg))) last = i;
  });
  return last < 0 ? undefined : fieldLabel(path.slice(0, last + 1), lang);
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

type Issue = z.core.$ZodRawIssue | z.core.$ZodIssue;
const num = (v: unknown) => (typeof v === 'bigint' ? v.toString() : String(v));

/**
 * The sentence for one issue. `missing` says whether the input was absent (请填写 rather than
 * 格式不正确); when the input is no longer known (a reported issue) the caller tries both.
 */
export function issueMessage(issue: Issue, lang: Lang, missing: boolean): string {
  const zh = lang === 'zh';
  const label = fieldLabel(issue.path ?? [], lang) ?? (zh ? '请求内容' : 'the request');
  const L = zh ? label : capital(label);
  const listLabel = fieldLabels[String((issue.path ?? []).at(-1))];
  const unit = listLabel?.unit ?? '项';
  const i = issue as Record<string, unknown>;
  switch (issue.code) {
    case 'invalid_type': {
      if (missing) return zh ? `请填写${label}` : `Please fill in ${label}.`;
      const expected = String(i.expected);
      if (expected === 'string') return zh ? `${label}应为文字` : `${L} must be text.`;
      if (expected === 'number' || expected === 'int' || expected === 'bigint')
        return zh ? `${label}应为数字` : `${L} must be a number.`;
      if (expected === 'boolean') return zh ? `${label}应为“是”或“否”` : `${L} must be yes or no.`;
      if (expected === 'array') return zh ? `${label}应为列表` : `${L} must be a list.`;
      return zh ? `${label}的格式不正确` : `${L} is not in the right form.`;
    }
    case 'too_small': {
      const min = num(i.minimum);
      const inclusive = i.inclusive !== false;
      if (i.origin === 'string') {
        if (Number(min) <= 1) return zh ? `请填写${label}` : `Please fill in ${label}.`;
        return zh ? `${label}不能少于${min}字` : `${L} must be at least ${min} characters long.`;
      }
      if (i.origin === 'array' || i.origin === 'set') {
        return zh
          ? `请至少填写${min}${unit}${label}`
          : `Add at least ${min} ${listLabel?.enItem ?? 'item'}${min === '1' ? '' : 's'}.`;
      }
      if (i.origin === 'date') return zh ? `${label}不能早于${min}` : `${L} must not be before ${min}.`;
      return zh
        ? `${label}${inclusive ? '不能小于' : '应大于'}${min}`
        : `${L} must be ${inclusive ? 'at least' : 'greater than'} ${min}.`;
    }
    case 'too_big': {
      const max = num(i.maximum);
      const inclusive = i.inclusive !== false;
      if (i.origin === 'string')
        return zh ? `${label}不能超过${max}字` : `${L} must not be longer than ${max} characters.`;
      if (i.origin === 'array' || i.origin === 'set') return zh ? `${label}最多${max}${unit}` : `${L}: at most ${max}.`;
      if (i.origin === 'date') return zh ? `${label}不能晚于${max}` : `${L} must not be after ${max}.`;
      return zh
        ? `${label}${inclusive ? '不能大于' : '应小于'}${max}`
        : `${L} must be ${inclusive ? 'at most' : 'less than'} ${max}.`;
    }
    case 'invalid_format': {
      const format = String(i.format);
      if (format === 'email') return zh ? `${label}不是有效的邮箱地址` : `${L} is not a valid email address.`;
      if (format === 'date')
        return zh ? `${label}应为有效日期，如 2026-01-31` : `${L} must be a real date, like 2026-01-31.`;
      if (format === 'datetime') return zh ? `${label}应为有效的日期和时间` : `${L} must be a date and time.`;
      if (format === 'url') return zh ? `${label}不是有效的网址` : `${L} is not a valid web address.`;
      if (format === 'uuid' || format === 'guid') return zh ? `${label}不正确` : `${L} is not valid.`;
      return zh ? `${label}的格式不正确` : `${L} is not in the right form.`;
    }
    case 'invalid_value':
      if (missing) return zh ? `请选择${label}` : `Please choose ${label}.`;
      return zh ? `${label}不是可选的值，请从选项中选择` : `${L} is not one of the options.`;
    case 'not_multiple_of':
      return zh ? `${label}应为${num(i.divisor)}的倍数` : `${L} must be a multiple of ${num(i.divisor)}.`;
    case 'unrecognized_keys':
      return zh ? `${label}含有不需要的内容` : `${L} holds something it should not.`;
    case 'invalid_union':
    case 'invalid_key':
    case 'invalid_element':
      return zh ? `${label}的格式不正确` : `${L} is not in the right form.`;
    default:
      return zh ? `${label}不正确` : `${L} is not valid.`;
  }
}

/** zod's error map for a language, as z.config({ localeError }) or a parse's `error` takes it. */
export function zodErrorMap(lang: Lang) {
  return (issue: z.core.$ZodRawIssue) => issueMessage(issue, lang, issue.input === undefined || issue.input === null);
}

/**
 * A reported issue's message in the language asked for. A message this map wrote (in Chinese,
 * the default) is written again in `lang`; a message a schema gave itself is kept (or its English,
 * when the issue carries one in `params.en`), and when the field lies in a list it is prefixed
 * with the item (第1位著作权人：…; Copyright holder 1: …).
 */
export function localizedIssueMessage(issue: z.core.$ZodIssue, lang: Lang): string {
  for (const missing of [false, true]) {
    if (issue.message === issueMessage(issue, 'zh', missing)) return issueMessage(issue, lang, missing);
  }
  // A schema's own message may bring its English along (a custom issue's params.en).
  const en = (issue as { params?: { en?: unknown } }).params?.en;
  const message = lang === 'en' && typeof en === 'string' ? en : issue.message;
  const item = itemLabel(issue.path, lang);
  if (!item || message.startsWith(item)) return message;
  return lang === 'zh' ? `${item}：${message}` : `${capital(item)}: ${message}`;
}
