import { refuseInProduction } from '@copyreg/kit';
import { WorkType } from '@copyreg/proto';
import { z } from 'zod';

/**
 * Settings of documents, numbers and signing keys, read from the environment with embedded
 * defaults (the kit's `config()` holds the platform-wide ones).
 */
const letters = z.partialRecord(WorkType, z.string().regex(/^[A-Z]$/));

/** Category letters of registration numbers. The 2016 notice uses F for fine art (美术). */
export const defaultWorkTypeLetters: Record<WorkType, string> = {
  written: 'A', // 文字
  oral: 'B', // 口述
  music: 'C', // 音乐
  drama: 'D', // 戏剧
  quyi: 'E', // 曲艺
  fine_art: 'F', // 美术
  photography: 'G', // 摄影
  film: 'H', // 影视（视听作品）
  graphic: 'I', // 图形
  model: 'J', // 模型
  architecture: 'K', // 建筑
  dance: 'L', // 舞蹈
  acrobatics: 'M', // 杂技
  other: 'Z', // 其他
};

const schema = z.object({
  /** Region part of the number, e.g. 浙作登字 (浙江省作品登记). */
  REGISTRATION_NUMBER_PREFIX: z.string().min(1).default('浙作登字'),
  /** 合同备案号 `浙作备字-2026-00000001`: its own sequence per year. */
  RECORD_NUMBER_PREFIX: z.string().min(1).default('浙作备字'),
  /** JSON object overriding letters per work type, e.g. {"other":"Q"}. */
  REGISTRATION_NUMBER_LETTERS: z
    .string()
    .optional()
    .transform((s) => ({ ...defaultWorkTypeLetters, ...(s ? letters.parse(JSON.parse(s)) : {}) })),
  /** The office named on the certificate and on its seal (登记机构). */
  OFFICE_NAME: z.string().min(2).default('浙江省版权局'),
  /** An OFL CJK font (TTC or OTF/TTF) and, for a TTC, the face's PostScript name. */
  DOCUMENT_FONT_PATH: z.string().default('/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc'),
  DOCUMENT_FONT_FACE: z.string().default('NotoSerifCJKsc-Regular'),
  /**
   * Where the office's keys come from: `dev` makes a development CA in key files under
   * COPYREG_DATA_DIR/dev-keys on first use; `p12` uses a real CA's issued file SIGNING_P12_DIR/office.p12 with
   * SIGNING_P12_PASSPHRASE. Signers' keys are never here: src/pki/csc.ts.
   */
  SIGNING_CA: z.enum(['dev', 'p12']).default('dev'),
  SIGNING_P12_DIR: z.string().optional(),
  SIGNING_P12_PASSPHRASE: z.string().default(''),
  /**
   * The office seal key (src/pki/office-key.ts): `file` (OFFICE_KEY_FILE, a PKCS#12 or PEM, with
   * OFFICE_KEY_PASSPHRASE and OFFICE_CERT_CHAIN), `pkcs11` (a token: OFFICE_PKCS11_*), or `dev`
   * (the development CA's key files, loopback only). Unset: pkcs11 when OFFICE_PKCS11_MODULE
   * is set, file when OFFICE_KEY_FILE is, SIGNING_P12_DIR/office.p12 with SIGNING_CA=p12, else dev.
   */
  OFFICE_KEY_PROVIDER: z.enum(['dev', 'file', 'pkcs11']).optional(),
  OFFICE_KEY_FILE: z.string().optional(),
  OFFICE_KEY_PASSPHRASE: z.string().default(''),
  /** PEM certificates: the office's (unless the key file or the token holds it) and its CA chain. */
  OFFICE_CERT_CHAIN: z.string().optional(),
  OFFICE_PKCS11_MODULE: z.string().optional(),
  OFFICE_PKCS11_TOKEN_LABEL: z.string().optional(),
  OFFICE_PKCS11_PIN: z.string().optional(),
  OFFICE_PKCS11_KEY_LABEL: z.string().default('office'),
  /** Public verification page of the portal; the QR code points here. */
  VERIFY_PATH: z.string().default('/verify'),
});
export type DocumentSettings = z.infer<typeof schema>;

// The development CA's keys are development stand-ins: never in production mode.
refuseInProduction({
  variable: 'SIGNING_CA',
  fix: 'p12 with the office key files (dev makes a development CA with a public passphrase)',
  isDefault: (_c, env) => (env.SIGNING_CA ?? 'dev') === 'dev',
});

/** Which office key provider the settings name (explicitly, or by what is set). */
export function officeKeyProviderKind(env: NodeJS.ProcessEnv = process.env): 'dev' | 'file' | 'pkcs11' {
  const explicit = env.OFFICE_KEY_PROVIDER;
  if (explicit === 'dev' || explicit === 'file' || explicit === 'pkcs11') return explicit;
  if (env.OFFICE_PKCS11_MODULE) return 'pkcs11';
  if (env.OFFICE_KEY_FILE || env.SIGNING_CA === 'p12') return 'file';
  return 'dev';
}

// The development office key is a stand-in: never in production mode, whatever SIGNING_CA says.
refuseInProduction({
  variable: 'OFFICE_KEY_PROVIDER',
  fix: 'file (OFFICE_KEY_FILE, OFFICE_KEY_PASSPHRASE) or pkcs11 (OFFICE_PKCS11_MODULE, _TOKEN_LABEL, _PIN, _KEY_LABEL); dev is the development CA (a public passphrase)',
  isDefault: (_c, env) => officeKeyProviderKind(env) === 'dev',
});

/** The office key's settings, read afresh (the provider opens once per process, maybe after documentSettings). */
export function officeKeySettings() {
  return schema
    .pick({
      SIGNING_P12_DIR: true,
      SIGNING_P12_PASSPHRASE: true,
      OFFICE_KEY_FILE: true,
      OFFICE_KEY_PASSPHRASE: true,
      OFFICE_CERT_CHAIN: true,
      OFFICE_PKCS11_MODULE: true,
      OFFICE_PKCS11_TOKEN_LABEL: true,
      OFFICE_PKCS11_PIN: true,
      OFFICE_PKCS11_KEY_LABEL: true,
    })
    .parse(process.env);
}

let cached: DocumentSettings | undefined;
export function documentSettings(): DocumentSettings {
  cached ??= schema.parse(process.env);
  return cached;
}
