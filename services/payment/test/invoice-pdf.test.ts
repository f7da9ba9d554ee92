import { expect, it } from 'vitest';
import { assertSoundPdf, pdftotext, tempPdf } from '../../certificate/test/pdf-tools';
import { renderInvoicePdf } from '../src/invoice-pdf';

it('the invoice PDF passes qpdf --check and renders without a poppler error', async () => {
  const pdf = await renderInvoicePdf({
    invoiceNo: '202611230001',
    issuedOn: new Date('2026-11-23T09:00:00+08:00'),
    buyer: '杭州某某文化创意有限公司',
    workTitle: '西湖春晓（组图）',
    serialNo: 'ZJ2026112300001',
    amountFen: 15000,
    method: 'online',
    seller: '浙江版权服务中心',
  });
  await assertSoundPdf(pdf);
  expect(await pdftotext(await tempPdf(pdf))).toContain('壹佰伍拾元整');
});
