import { createHash } from 'node:crypto';
import type { FilingContent, FilingSnapshot } from '@copyreg/proto';

/** A stable signer id per filing, version and place in the order (so a retry derives the same ids). */
export function signerId(filingId: string, versionNo: number, index: number): string {
  const h = createHash('sha256').update(`${filingId}:${versionNo}:${index}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/**
 * The signing order of the form: each copyright holder (著作权人签章) in the order listed, then the
 * writer (执笔者签章) where the ownership mode needs one (法人作品). A minor holder's entry carries
 * the parent's ID number, so the parent signs.
 */
export function deriveSigners(filingId: string, versionNo: number, content: FilingContent): FilingSnapshot['signers'] {
  const people = [
    ...content.holders.map((h) => ({ kind: 'holder' as const, name: h.name, idType: h.idType, idNumber: h.idNumber })),
    ...(content.ownershipMode === 'corporate' && content.writer
      ? [
          {
            kind: 'writer' as const,
            name: content.writer.name,
            idType: content.writer.idType,
            idNumber: content.writer.idNumber,
          },
        ]
      : []),
  ];
  return people.map((p, i) => ({ signerId: signerId(filingId, versionNo, i), ...p }));
}
