import { QuestionCircleOutlined, UploadOutlined } from '@ant-design/icons';
import { App, Button, Tooltip, Upload, type UploadFile } from 'antd';
import type { FormInstance, Rule, RuleObject } from 'antd/es/form';
import { useCallback, useEffect, useId, useState } from 'react';
import type { z } from 'zod';
import { ApiFailure } from './api';
import { type ContentField, contentProblem, missingSentence } from './filing-rules';
import { type Lang, storedLang, translate, useLang, useT } from './i18n';
import { type DraftContent, type IdType, idNumberIssue, type UploadRef } from './proto';

/** An antd rule from a zod schema: the contract's own message shows as the user types. */
export const zodRule = (schema: z.ZodType): Rule => ({
  validator: async (_rule, value) => {
    if (value === undefined || value === '' || value === null) return;
    const r = schema.safeParse(value);
    if (!r.success) {
      const text = r.error.issues[0]?.message;
      throw new Error(
        text ? failureText(text, 'VALIDATION_FAILED', storedLang()) : translate(storedLang(), '格式不正确'),
      );
    }
  },
});

/** The filing form's rules for one field, all the contract's (filing-rules.ts), in the language shown. */
export function contentRules(field: ContentField): Rule[] {
  const say = (text: string) => failureText(text, 'VALIDATION_FAILED', storedLang());
  const empty = missingSentence(field);
  return [
    ...(empty ? [{ required: true, message: say(empty) }] : []),
    ({ getFieldsValue }) => ({
      validator: async () => {
        const problem = contentProblem(field, getFieldsValue(true) as DraftContent);
        if (problem) throw new Error(say(problem));
      },
    }),
  ];
}

/** The ID-number rule of the contracts (checksum, no spaces), for the ID type chosen beside it. */
export const idNumberRule =
  (idTypeField: string | (string | number)[]) =>
  ({ getFieldValue }: Pick<FormInstance, 'getFieldValue'>): RuleObject => ({
    validator: async (_rule, value: string | undefined) => {
      const idType = getFieldValue(idTypeField) as IdType | undefined;
      if (!value || !idType) return;
      const problem = idNumberIssue(idType, value);
      if (problem) throw new Error(storedLang() === 'en' ? problem.en : problem.zh);
    },
  });

const CJK = /[\u3400-\u9fff]/;

/** English for a refusal by its code, when a service answered in Chinese only. */
const byCode: Record<string, string> = {
  VALIDATION_FAILED: 'Some of what was entered is not valid. Please check the form.',
  UNAUTHENTICATED: 'Please log in again.',
  FORBIDDEN: 'You may not do this.',
  NOT_FOUND: 'Not found.',
  CONFLICT: 'This was changed in the meantime. Please reload the page.',
  INVALID_STATE: 'This cannot be done at this stage of the registration.',
  PROFILE_INCOMPLETE: 'Please complete your profile first.',
  NOT_CURRENT_SIGNER: 'You are not the signer of this document.',
  SIGNATURE_NOT_PLACED: 'Please place your signature first.',
  PAYMENT_METHOD_LOCKED: 'The payment method has been chosen and cannot be changed.',
  PAYLOAD_TOO_LARGE: 'The file is too large.',
  UNSUPPORTED_FILE_TYPE: 'This type of file is not accepted.',
  IDEMPOTENCY_KEY_REUSED: 'This request was already sent with other content.',
  RATE_LIMITED: 'Too many requests. Please wait a moment and try again.',
  UPSTREAM_UNAVAILABLE: 'The service is busy. Please try again in a moment.',
  INTERNAL: 'Something went wrong. Please try again.',
};

/**
 * A service's message in the language shown: the services write validation messages in the
 * request's language, but some refusals only in Chinese; in English those are looked up in the
 * dictionary, or said by their code.
 */
export function failureText(message: string, code: string | undefined, lang: Lang): string {
  if (lang === 'zh' || !CJK.test(message)) return message;
  const known = translate('en', message);
  if (!CJK.test(known)) return known;
  return byCode[code ?? 'INTERNAL'] ?? 'Something went wrong. Please try again.';
}

/** Shows a service's refusal: the message, and the field at fault on the form when there is one. */
export function useFailure() {
  const { message } = App.useApp();
  const { lang } = useLang();
  // Stable across renders: pages list it among their effects' dependencies.
  return useCallback(
    // biome-ignore lint/suspicious/noExplicitAny: any form's instance, whatever its values' type
    (err: unknown, form?: FormInstance<any>) => {
      if (err instanceof ApiFailure) {
        if (form && err.body.issues?.length) {
          form.setFields(
            err.body.issues
              .filter((i) => i.field !== '(body)')
              .map((i) => ({
                name: i.field.split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p)),
                errors: [failureText(i.message, err.code, lang)],
              })),
          );
        }
        message.error(failureText(err.message, err.code, lang));
      } else {
        message.error(failureText(err instanceof Error ? err.message : String(err), undefined, lang));
      }
    },
    [message, lang],
  );
}

/** Uploaded files as antd shows them. */
export const toFileList = (refs: UploadRef[] = []): UploadFile[] =>
  refs.map((r) => ({ uid: r.uploadId, name: r.name, status: 'done', size: r.size, response: r }));

/** An upload button posting multipart `file` to a service, with progress; the value is the list of UploadRefs. */
export function Uploads(props: {
  action: string;
  value?: UploadRef[];
  onChange?: (refs: UploadRef[]) => void;
  onRemove?: (ref: UploadRef) => Promise<void>;
  accept?: string;
  label?: string;
  testId?: string;
  max?: number;
}) {
  const { message } = App.useApp();
  const t = useT();
  const { lang } = useLang();
  const refs = props.value ?? [];
  const [files, setFiles] = useState<UploadFile[]>(() => toFileList(refs));
  const key = refs.map((r) => r.uploadId).join(',');
  // The value can arrive after mounting (a draft loads): show what it holds, keep uploads in progress.
  // biome-ignore lint/correctness/useExhaustiveDependencies: keyed by the uploads' ids
  useEffect(() => {
    setFiles((current) => {
      const done = current.filter((f) => f.status === 'done').map((f) => (f.response as UploadRef).uploadId);
      if (done.join(',') === key) return current;
      return [...toFileList(refs), ...current.filter((f) => f.status === 'uploading')];
    });
  }, [key]);
  return (
    <Upload
      action={props.action}
      name="file"
      accept={props.accept ?? '.pdf,.jpg,.jpeg,.png'}
      withCredentials
      fileList={files}
      maxCount={props.max}
      onChange={({ file, fileList }) => {
        setFiles(fileList.filter((f) => f.status !== 'error' || f.uid === file.uid));
        if (file.status === 'done') {
          props.onChange?.(fileList.filter((f) => f.status === 'done').map((f) => f.response as UploadRef));
        }
        if (file.status === 'error') {
          const body = file.response as { error?: { message?: string } } | undefined;
          const text = body?.error?.message;
          message.error(text ? failureText(text, undefined, lang) : t('{name} 上传失败', { name: file.name }));
        }
      }}
      onRemove={async (file) => {
        const ref = file.response as UploadRef | undefined;
        if (ref && props.onRemove) await props.onRemove(ref);
        props.onChange?.(refs.filter((r) => r.uploadId !== ref?.uploadId));
        return true;
      }}
      progress={{ size: 3, showInfo: true }}
    >
      <Button icon={<UploadOutlined />} data-testid={props.testId}>
        {props.label ?? t('上传')}
      </Button>
    </Upload>
  );
}

/**
 * A field's help (填写说明) beside its label. antd's own icon is neither focusable nor opened by a
 * tap (touch screens have no hover); this is a button that opens on hover, keyboard focus and tap,
 * closes with Esc, and carries the text as its accessible description.
 */
function HelpTip({ text }: { text: string }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <>
      <Tooltip title={text} open={open} onOpenChange={setOpen} trigger={['hover', 'focus']}>
        <button
          type="button"
          aria-label={t('填写说明')}
          aria-describedby={id}
          data-testid="help-tip"
          onClick={() => setOpen(true)}
          onKeyDown={(e) => {
            if (e.key === 'Escape') setOpen(false);
          }}
          style={{ background: 'none', border: 0, padding: '0 2px', color: 'inherit', font: 'inherit', cursor: 'help' }}
        >
          <QuestionCircleOutlined aria-hidden />
        </button>
      </Tooltip>
      <span id={id} hidden>
        {text}
      </span>
    </>
  );
}

/** A Form.Item's `tooltip` as a HelpTip: `<Form.Item label="作品名称" tooltip={helpTip(t('…'))}>`. */
export const helpTip = (text: string) => ({ icon: <HelpTip text={text} /> });
