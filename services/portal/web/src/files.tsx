import { Button, Image } from 'antd';
import { useEffect, useState } from 'react';
import { type Answer, client, link as linkTo, ok } from './api';
import { useFailure } from './forms';
import type { UploadRef } from './proto';

/** A sample or attachment: the filing service hands out a short-lived download link on request. */
const linkOf = (path: string) =>
  // A path filled in by `link` (checked there); every route that hands out a file answers a DownloadLink.
  ok(client.GET(path as never) as Promise<{ data?: Answer<'/api/filing/uploads/{uploadId}/download'> }>).then(
    (r) => r.url,
  );
const uploadLink = (uploadId: string) => linkTo('/api/filing/uploads/{uploadId}/download', { uploadId });

/** `link`: the route that hands out this file's link, where it is not the uploader's own (a revocation's evidence). */
export function StoredFile({ upload, link }: { upload: UploadRef; link?: string }) {
  const fail = useFailure();
  return (
    <Button
      type="link"
      size="small"
      style={{ padding: 0 }}
      onClick={() =>
        linkOf(link ?? uploadLink(upload.uploadId)).then(
          (url) => window.open(url, '_blank', 'noopener'),
          (err) => fail(err),
        )
      }
    >
      {upload.name}
    </Button>
  );
}

/** An image sample shown inline (staff preview). */
export function StoredImage({ upload, width = 140 }: { upload: UploadRef; width?: number }) {
  const [src, setSrc] = useState<string>();
  useEffect(() => {
    linkOf(uploadLink(upload.uploadId)).then(setSrc, () => undefined);
  }, [upload.uploadId]);
  return src ? <Image width={width} src={src} alt={upload.name} /> : null;
}
