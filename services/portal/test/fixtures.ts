import { residentIdCheckChar } from '@copyreg/proto';
import QRCode from 'qrcode';

/** The development login's seeded accounts (services/identity/src/dev-accounts.ts) the journeys use. */
const rid = (first17: string) => first17 + residentIdCheckChar(first17);
export const people = {
  zhang: { accountId: 'applicant-zhang', name: '张三', idNumber: rid('33010619900307123') },
  li: { accountId: 'applicant-li', name: '李四', idNumber: rid('33010219851112204') },
  wang: { accountId: 'signer-wang', name: '王五', idNumber: rid('33010519950620301') },
  initialReviewer: { accountId: 'initial-reviewer', role: 'initial_reviewer' },
  finalReviewer: { accountId: 'final-reviewer', role: 'final_reviewer' },
  finance: { accountId: 'finance', role: 'finance' },
  admin: { accountId: 'admin', role: 'admin' },
  regional: { accountId: 'regional-hangzhou', role: 'regional_staff' },
} as const;

/** A real PNG (a QR code), as an identity proof or a fine-art sample would be. */
export async function png(name: string, text = name): Promise<{ name: string; mimeType: string; buffer: Buffer }> {
  return { name, mimeType: 'image/png', buffer: await QRCode.toBuffer(text, { width: 240 }) };
}
