import { Button, Image } from 'antd';
import { useEffect, useState } from 'react';
import { get } from './api';
import { useFailure } from './forms';
import type { UploadRef } from './proto';

/** A sample or attachment: the filing service hands out a short-lived download link on request. */
const linkOf = (path: string) => get<{ url: string }>(path).then((r) => r.url);
const uploadLink = (uploadId: string) => `/api/filing/uploads/${uploadId}/download`;

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
