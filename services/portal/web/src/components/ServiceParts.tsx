import { Select, Space } from 'antd';
import type { FormInstance } from 'antd/es/form';
import { useCallback, useId, useState } from 'react';
import { useFailure } from '../forms';
import { useT } from '../i18n';

/**
 * What the pages of 其他登记服务 (Revocation.tsx, ServiceRequests.tsx) share: a list's one filter,
 * and a command button's busy state with the refusal shown on the form.
 */

/** A labelled select above a list (全部 when cleared); a change goes back to the first page. */
export function ListFilter<V extends string>(props: {
  label: string;
  value: V | undefined;
  onChange: (v: V | undefined) => void;
  options: { value: V; label: string }[];
  width?: number;
}) {
  const t = useT();
  const id = useId();
  return (
    <Space style={{ marginBottom: 12 }} wrap>
      <span id={id}>{props.label}</span>
      <Select<V>
        allowClear
        aria-labelledby={id}
        placeholder={t('全部')}
        style={{ width: props.width ?? 200 }}
        value={props.value}
        onChange={(v) => props.onChange(v)}
        options={props.options}
      />
    </Space>
  );
}

/** The reasons typed one a line (理由，每行一条). */
export const lines = (text = '') =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** Runs a user's command once at a time: busy while it runs, a refusal shown (on the form's fields too). */
export function useCommand() {
  const fail = useFailure();
  const [busy, setBusy] = useState(false);
  const run = useCallback(
    // biome-ignore lint/suspicious/noExplicitAny: any form's instance, whatever its values' type
    async (command: () => Promise<unknown>, form?: FormInstance<any>) => {
      setBusy(true);
      try {
        await command();
      } catch (err) {
        fail(err, form);
      } finally {
        setBusy(false);
      }
    },
    [fail],
  );
  return { busy, run };
}
