import { randomUUID } from 'node:crypto';
import type { FilingSnapshot } from '@copyreg/proto';

/** A complete filing version for the benchmark: one person holder, one author, a photograph. */
export function benchSnapshot(i: number): FilingSnapshot {
  return {
    filingId: randomUUID(),
    versionNo: 1,
    applicantId: randomUUID(),
    serialNo: `ZJ2026${String(i).padStart(9, '0')}`,
    region: '330106',
    content: {
      title: `西湖晨雾 第${i}号`,
      workType: 'photography',
      creationNature: 'original',
      completedOn: '2026-03-05',
      published: false,
      ownershipMode: 'individual',
      acquisitionMode: 'original',
      rightsScope: 'all',
      rights: [],
      description: '摄影作品，拍摄对象为清晨西湖断桥与薄雾，光圈 f/8，快门 1/250 秒，ISO 200，焦距 35 毫米。',
      creationProcess: '作者于 2026 年 3 月清晨在西湖边独立拍摄完成，意在表现江南早春的宁静。',
      samples: [
        { uploadId: randomUUID(), name: '晨雾.jpg', sha256: 'ab'.repeat(32), size: 1_234_567, mime: 'image/jpeg' },
      ],
      attachments: [],
      holders: [
        {
          holderType: 'individual',
          name: '张三',
          idType: 'resident_id',
          idNumber: '11010519491231002X',
          region: '330106',
        },
      ],
      authors: [{ name: '张三' }],
      invoiceEmail: 'bench@example.com',
      certificateDelivery: 'mail',
    },
    signers: [
      { signerId: randomUUID(), kind: 'holder', name: '张三', idType: 'resident_id', idNumber: '11010519491231002X' },
      { signerId: randomUUID(), kind: 'writer', name: '李四', idType: 'resident_id', idNumber: '330106199001011234' },
    ],
    frozenAt: new Date().toISOString(),
  };
}
