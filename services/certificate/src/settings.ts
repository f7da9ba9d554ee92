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
   * Where signing keys come from: `dev` makes a development CA in the certificate schema on first
   * use; `p12` uses a real CA's issued files: SIGNING_P12_DIR/<subject>.p12 (office.p12 for the
   * office) with SIGNING_P12_PASSPHRASE.
   */
  SIGNING_CA: z.enum(['dev', 'p12']).default('dev'),
  SIGNING_P12_DIR: z.string().optional(),
  SIGNING_P12_PASSPHRASE: z.string().default(''),
  /** Public verification page of the portal; the QR code points here. */
  VERIFY_PATH: z.string().default('/verify'),
});
export type DocumentSettings = z.infer<typeof schema>;

// The development CA keeps its keys in the database: never in production mode.
refuseInProduction({
  variable: 'SIGNING_CA',
  fix: 'p12 with the office key files (dev makes a development CA in the database)',
  isDefault: (_c, env) => (env.SIGNING_CA ?? 'dev') === 'dev',
});

let cached: DocumentSettings | undefined;
export function documentSettings(): DocumentSettings {
  cached ??= schema.parse(process.env);
  return cached;
}
