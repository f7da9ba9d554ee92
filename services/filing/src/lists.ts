import { type Api, ApiError } from '@copyreg/kit';
import { FilingListQuery, FilingPage, permissions, ReviewQueueQuery, ReviewStage } from '@copyreg/proto';
import { z } from 'zod';
import type { FilingDeps } from './deps';
import { listFilings, pageOf } from './filings';

export function registerListRoutes(api: Api, deps: FilingDeps) {
  const { db } = deps;

  api.route({
    method: 'get',
    path: '/filings',
    summary:
      '我的作品：list = to_submit 待提交（含初审退回）| to_sign 待签章 | to_pay 待缴费 | all 作品列表 | initial_review 待初审 | final_review 待终审 | certified 已发证 | other 其他；每页 20 条',
    tags: ['lists'],
    access: 'user',
    query: FilingListQuery,
    response: FilingPage,
    async handler({ user, query }) {
      const page = await listFilings(db, { applicantId: user.userId }, query);
      return pageOf(page, true);
    },
  });

  api.route({
    method: 'get',
    path: '/queues/:stage',
    summary:
      '审核队列：initial 待初审（初审员）/ final 待终审（终审员），按申请时间先后；可按作品名称、作品类别、是否逾期、申请日期筛选',
    tags: ['lists'],
    access: permissions.review,
    params: z.object({ stage: ReviewStage }),
    query: ReviewQueueQuery,
    response: FilingPage,
    async handler({ user, params, query }) {
      const role = params.stage === 'initial' ? 'initial_reviewer' : 'final_reviewer';
      if (!user.roles.includes(role)) throw new ApiError('FORBIDDEN', '您没有查看该审核队列的权限');
      const page = await listFilings(
        db,
        { excludeDrafts: true },
        {
          ...query,
          overdue: query.overdue === undefined ? undefined : query.overdue === 'true',
          list: params.stage === 'initial' ? 'initial_review' : 'final_review',
        },
        'oldest_applied',
      );
      return pageOf(page, false);
    },
  });

  api.route({
    method: 'get',
    path: '/staff/filings',
    summary: '全部已提交作品（工作人员：审核、财务、管理员），按状态分列',
    tags: ['lists'],
    access: permissions.readAllFilings,
    query: FilingListQuery,
    response: FilingPage,
    async handler({ query }) {
      const page = await listFilings(db, { excludeDrafts: true }, query);
      return pageOf(page, false);
    },
  });

  api.route({
    method: 'get',
    path: '/region/filings',
    summary: '下级部门作品：本地区及下级地区的已提交作品（只读）',
    tags: ['lists'],
    access: ['regional_staff'],
    query: FilingListQuery,
    response: FilingPage,
    async handler({ user, query }) {
      if (!user.region) throw new ApiError('FORBIDDEN', '您的账号未绑定地区，请联系管理员');
      const page = await listFilings(db, { regionCode: user.region }, query);
      return pageOf(page, false);
    },
  });
}
