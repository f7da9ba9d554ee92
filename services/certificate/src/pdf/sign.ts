import { createHash } from 'node:crypto';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { SignPdf } from '@signpdf/signpdf';
import { Signer } from '@signpdf/utils';
import { PDFArray, PDFDict, PDFDocument, PDFHexString, PDFName } from 'pdf-lib';
import { cmsSignedData } from '../pki/cms';
import { credentialOf, type SigningCredential } from '../pki/credential';
import type { SigningIdentity } from '../pki/keys';
import { appendIncrementalUpdate, literalStringContents, loadedObjects } from './incremental';
import type { Rect } from './layout';

/**
 * Applies a CMS detached PDF signature (SubFilter adbe.pkcs7.detached, with the ESS
 * signing-certificate-v2 attribute; not labelled PAdES, which asks for ETSI.CAdES.detached) as an
 * incremental update, so every earlier signature stays valid. The CMS is built here over
 * Node's crypto (src/pki/cms.ts); the key only signs a hash. A visible appearance (a signature or seal, drawn as a one-page PDF of the
 * rectangle's size) is shown where the signer placed it.
 */
export interface SignOptions {
  /** A PKCS#12 (opened once per process), or a credential that signs a hash (a remote signer's). */
  identity: SigningIdentity | SigningCredential;
  /** Unique per document: the signature field's name. */
  fieldName: string;
  signerName: string;
  reason: string;
  location: string;
  signingTime: Date;
  pageIndex: number;
  rect: Rect;
  /** One-page PDF drawn into the widget rectangle; none for an invisible signature. */
  appearance?: Uint8Array;
}

/** Room for the CMS: the signer's certificate, the chain and the signed attributes (hex digits). */
const SIGNATURE_LENGTH = 16384;

export async function signPdf(pdf: Uint8Array, o: SignOptions): Promise<Buffer> {
  const doc = await PDFDocument.load(pdf, { updateMetadata: false });
  const loaded = loadedObjects(doc);
  const page = doc.getPage(o.pageIndex);
  pdflibAddPlaceholder({
    pdfDoc: doc,
    pdfPage: page,
    // The library writes these as literal strings of its argument's character codes.
    reason: literalStringContents(o.reason),
    contactInfo: '',
    name: literalStringContents(o.signerName),
    location: literalStringContents(o.location),
    signingTime: o.signingTime,
    signatureLength: SIGNATURE_LENGTH,
    widgetRect: [o.rect.x, o.rect.y, o.rect.x + o.rect.width, o.rect.y + o.rect.height],
    // A name object: its bytes are UTF-8 by convention (pdf-lib writes each code unit as #xx).
    appName: Buffer.from('作品自愿登记平台').toString('latin1'),
  });
  // The library names every field Signature1 and leaves the appearance empty: give this one its
  // own name and draw the signature or seal.
  const annots = page.node.lookup(PDFName.of('Annots'), PDFArray);
  const widget = doc.context.lookup(annots.get(annots.size() - 1), PDFDict);
  widget.set(PDFName.of('T'), PDFHexString.fromText(o.fieldName));
  if (o.appearance) {
    const [stamp] = await doc.embedPdf(o.appearance);
    if (stamp) widget.set(PDFName.of('AP'), doc.context.obj({ N: stamp.ref }));
  }
  await doc.flush();
  const withPlaceholder = appendIncrementalUpdate(pdf, doc, loaded);
  const credential = 'signHash' in o.identity ? o.identity : credentialOf(o.identity);
  return new SignPdf().sign(withPlaceholder, new CredentialSigner(credential), o.signingTime);
}

/** @signpdf's Signer over a credential: SHA-256 of the signed byte ranges, then the CMS. */
class CredentialSigner extends Signer {
  constructor(private readonly credential: SigningCredential) {
    super();
  }

  override async sign(pdf: Buffer, signingTime?: Date): Promise<Buffer> {
    const digest = createHash('sha256').update(pdf).digest();
    return cmsSignedData(this.credential, digest, signingTime ?? new Date());
  }
}
