import { randomUUID } from 'node:crypto';
import type { FilingSnapshot } from '@copyreg/proto';

/** A complete filing version: two holders (a person and a company), two authors, a writer. */
export function sampleSnapshot(overrides: Partial<FilingSnapshot> = {}): FilingSnapshot {
  const upload = (name: string) => ({
    uploadId: randomUUID(),
    name,
    sha256: 'ab'.repeat(32),
    size: 2_345_678,
    mime: 'image/jpeg',
  });
  return {
    filingId: randomUUID(),
    versionNo: 1,
    applicantId: randomUUID(),
    serialNo: 'ZJ2026112300001',
    region: '330106',
    content: {
      title: '西湖春晓（组图）',
      workType: 'fine_art',
      creationNature: 'original',
      completedOn: '2026-03-05',
      published: true,
      firstPublishedOn: '2026-04-01',
      firstPublishedPlace: '杭州·中国美术学院展厅',
      ownershipMode: 'corporate',
      acquisitionMode: 'original',
      rightsScope: 'partial',
      rights: ['publication', 'attribution', 'reproduction', 'distribution', 'network'],
      description:
        '美术作品，主要元素为西湖、断桥与初春的柳枝，以水墨与淡彩结合的方式构成，画面分为远景、中景与近景三层，共四幅。',
      creationProcess:
        '本作品由作者独立完成。2026年春于西湖写生，回到工作室后整理草图并完成定稿，意在表现江南初春的气息。',
      samples: [upload('西湖春晓-1.jpg'), upload('西湖春晓-2.jpg')],
      attachments: [upload('权属证明.pdf')],
      holders: [
        {
          holderType: 'individual',
          name: '张三',
          idType: 'resident_id',
          idNumber: '11010519491231002X',
          region: '330106',
        },
        {
          holderType: 'organisation',
          name: '杭州某某文化创意有限公司',
          idType: 'uscc',
          idNumber: '91330106MA2H0XXXX9',
          handler: '王五',
          region: '330106',
        },
      ],
      authors: [{ name: '张三' }, { name: '李四', signature: '西湖散人' }],
      writer: { name: '李四', idType: 'resident_id', idNumber: '33010619900101123X' },
      invoiceEmail: 'zhangsan@example.com',
      certificateDelivery: 'mail',
    },
    signers: [
      { signerId: randomUUID(), kind: 'holder', name: '张三', idType: 'resident_id', idNumber: '11010519491231002X' },
      {
        signerId: randomUUID(),
        kind: 'holder',
        name: '杭州某某文化创意有限公司',
        idType: 'uscc',
        idNumber: '91330106MA2H0XXXX9',
      },
      { signerId: randomUUID(), kind: 'writer', name: '李四', idType: 'resident_id', idNumber: '33010619900101123X' },
    ],
    frozenAt: '2026-11-23T08:00:00.000Z',
    ...overrides,
  };
}
