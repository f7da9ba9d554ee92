import {
  type Api,
  ApiError,
  dailyUploadQuota,
  downloadUrl,
  fileTypes,
  MB,
  receiveUpload,
  type UploadRule,
} from '@copyreg/kit';
import { Id, UploadKindParam, UploadRef } from '@copyreg/proto';
import { z } from 'zod';
import type { FilingDeps } from './deps';
import { canSee, type FilingRow } from './filings';

/** A filing's kinds: samples of music and film are audio/video, a model may be an archive. */
const uploadRules: Record<'sample' | 'attachment', UploadRule> = {
  sample: {
    kind: 'sample',
    maxBytes: 50 * MB,
    types: [...fileTypes.documents, ...fileTypes.images, ...fileTypes.media, ...fileTypes.archives],
    label: '作品样本',
  },
  attachment: {
    kind: 'attachment',
    maxBytes: 20 * MB,
    types: [...fileTypes.documents, ...fileTypes.archives],
    label: '附件',
  },
};

const DownloadLink = z.object({ url: z.url(), expiresInSeconds: z.number().int() }).meta({ id: 'FilingDownloadLink' });

export function registerUploadRoutes(api: Api, deps: FilingDeps) {
  const { db, store, bucket } = deps;

  api.route({
    method: 'post',
    path: '/uploads/:kind',
    rateLimit: 'upload',
    summary:
      '上传作品样本（sample：PDF、图片、音频、视频、压缩包，50MB 以内）或附件（attachment：PDF、图片、压缩包，20MB 以内）；multipart/form-data，字段 file；类型按文件内容识别',
    tags: ['uploads'],
    access: 'user',
    params: UploadKindParam,
    response: UploadRef,
    status: 201,
    async handler({ user, params, req }) {
      const quota = dailyUploadQuota(db, 'filing.uploads', user.userId, {
        owner: 'owner_id',
        size: 'size',
        createdAt: 'created_at',
      });
      if (deps.uploadQuotaBytes) quota.maxBytes = deps.uploadQuotaBytes;
      const stored = await receiveUpload(req, uploadRules[params.kind], store, bucket, user.userId, quota);
      await db('filing.uploads').insert({
        id: stored.id,
        owner_id: user.userId,
        kind: params.kind,
        bucket: stored.bucket,
        object_key: stored.key,
        name: stored.name,
        mime: stored.mime,
        size: stored.size,
        sha256: stored.sha256,
      });
      return { uploadId: stored.id, name: stored.name, sha256: stored.sha256, size: stored.size, mime: stored.mime };
    },
  });

  api.route({
    method: 'get',
    path: '/uploads/:uploadId/download',
    summary: '样本或附件的下载链接（上传者本人，或可查看引用它的作品的工作人员；5 分钟内有效，以附件方式下载）',
    tags: ['uploads'],
    access: 'user',
    params: z.object({ uploadId: Id }),
    response: DownloadLink,
    async handler({ user, params }) {
      const upload = await db('filing.uploads').where({ id: params.uploadId }).first();
      let allowed = upload?.owner_id === user.userId;
      if (upload && !allowed) {
        // Staff see an upload through a submitted filing that refers to it.
        const ref = JSON.stringify([{ uploadId: upload.id }]);
        const filings = (await db('filing.filings')
          .where('applicant_id', upload.owner_id)
          .andWhere((q) =>
            q.whereRaw("content->'samples' @> ?::jsonb", [ref]).orWhereRaw("content->'attachments' @> ?::jsonb", [ref]),
          )
          .select('applicant_id', 'status', 'region')) as FilingRow[];
        allowed = filings.some((f) => canSee(user, f));
      }
      if (!upload || !allowed) throw new ApiError('NOT_FOUND', '没有找到该文件');
      return {
        url: await downloadUrl(store, { bucket: upload.bucket, key: upload.object_key, name: upload.name }),
        expiresInSeconds: 300,
      };
    },
  });
}
