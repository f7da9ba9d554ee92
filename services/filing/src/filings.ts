import { ApiError } from '@copyreg/kit';
import {
  type DraftContent,
  type FilingAction,
  type FilingListItem,
  type FilingStatus,
  type FilingView,
  holds,
  type ListName,
  listStatuses,
  type SessionUser,
  type WorkType,
  workTypeGuidance,
} from '@copyreg/proto';
import type { Knex } from 'knex';
import type { z } from 'zod';
import { coversRegion, regionPrefix } from './regions';

/** Staff who read every submitted filing (reviewers, finance, admin). */
export const isStaff = (u: SessionUser) => holds(u.roles, 'readAllFilings');

export interface FilingRow {
  id: string;
  applicant_id: string;
  serial_no: string;
  status: FilingStatus;
  status_seq: number;
  waiting_on: string | null;
  remark: string | null;
  version_no: number | null;
  content: DraftContent;
  title: string;
  work_type: string | null;
  holders_text: string;
  authors_text: string;
  region: string | null;
  registration_number: string | null;
  review_deadline: Date | null;
  overdue: boolean;
  applied_at: Date | null;
  delivery_kind: 'mailed' | 'picked_up' | null;
  delivery_waybill_no: string | null;
  delivery_at: Date | null;
  /** 撤销登记 (the revocation workflow's mark). */
  revocation_id?: string | null;
  revoked_at?: Date | null;
  created_at: Date;
  updated_at: Date;
}

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : undefined);

/** What the applicant may do with a filing in this status (the 操作 column). */
export function applicantActions(status: FilingStatus): z.infer<typeof FilingAction>[] {
  switch (status) {
    case 'draft':
      return ['edit', 'delete', 'view'];
    case 'returned':
      return ['edit', 'view'];
    case 'awaiting_signatures':
      return ['edit', 'sign', 'view_form', 'withdraw'];
    case 'awaiting_submission':
      return ['edit', 'submit', 'view_form', 'withdraw'];
    case 'awaiting_payment':
      return ['pay', 'withdraw', 'view'];
    case 'payment_verifying':
      return ['pay', 'view'];
    default:
      return ['view'];
  }
}

/** The columns the lists show, from the content. */
export function listColumns(content: DraftContent) {
  return {
    title: content.title ?? '',
    work_type: content.workType ?? null,
    holders_text: (content.holders ?? []).map((h) => h.name).join('、'),
    authors_text: (content.authors ?? []).map((a) => (a.signature ? `${a.name}（${a.signature}）` : a.name)).join('、'),
    // The filing's region for 下级部门: where its first holder is (所在区域).
    region: content.holders?.[0]?.region ?? null,
  };
}

/** 办结期限 passed: flagged by the workflow's timer, or already past while that timer has yet to fire. */
const isOverdue = (row: Pick<FilingRow, 'overdue' | 'review_deadline'>) =>
  row.overdue || (row.review_deadline !== null && new Date(row.review_deadline).getTime() < Date.now());

/**
 * 已撤销 once the revocation marked the row (revoked_at). The revocation also writes status revoked;
 * rows marked before that migration are mended by it, and revoked_at stays the deciding fact.
 */
const shownStatus = (row: Pick<FilingRow, 'status' | 'revoked_at'>): FilingStatus =>
  row.revoked_at ? 'revoked' : row.status;

export function toView(row: FilingRow, forApplicant: boolean): FilingView {
  return {
    filingId: row.id,
    applicantId: row.applicant_id,
    serialNo: row.serial_no,
    status: shownStatus(row),
    ...(row.waiting_on ? { waitingOn: row.waiting_on } : {}),
    ...(row.remark ? { remark: row.remark } : {}),
    ...(row.version_no ? { versionNo: row.version_no } : {}),
    content: row.content,
    createdAt: iso(row.created_at)!,
    updatedAt: iso(row.updated_at)!,
    ...(row.applied_at ? { appliedAt: iso(row.applied_at) } : {}),
    ...(row.registration_number ? { registrationNumber: row.registration_number } : {}),
    ...(row.review_deadline ? { reviewDeadline: iso(row.review_deadline) } : {}),
    ...(row.delivery_kind && row.delivery_at
      ? {
          delivery: {
            kind: row.delivery_kind,
            ...(row.delivery_waybill_no ? { waybillNo: row.delivery_waybill_no } : {}),
            recordedAt: iso(row.delivery_at)!,
          },
        }
      : {}),
    ...(row.revoked_at ? { revokedAt: iso(row.revoked_at) } : {}),
    ...(row.revocation_id && row.revoked_at ? { revocationId: row.revocation_id } : {}),
    actions: forApplicant ? applicantActions(shownStatus(row)) : ['view'],
    ...(row.content.workType ? { descriptionGuidance: workTypeGuidance[row.content.workType] } : {}),
  };
}

/** The filing with its review decisions' dates, for the applicant's timeline (我的办件); reasons stay in the remark. */
export async function toViewWithReviews(db: Knex, row: FilingRow, forApplicant: boolean): Promise<FilingView> {
  const decisions = await db('filing.review_decisions')
    .where({ filing_id: row.id })
    .orderBy('id')
    .select('stage', 'decision', 'decided_at');
  return {
    ...toView(row, forApplicant),
    ...(decisions.length
      ? { reviews: decisions.map((d) => ({ stage: d.stage, decision: d.decision, decidedAt: iso(d.decided_at)! })) }
      : {}),
  };
}

export function toListItem(row: FilingRow, forApplicant: boolean): z.input<typeof FilingListItem> {
  return {
    filingId: row.id,
    serialNo: row.serial_no,
    title: row.title,
    ...(row.work_type ? { workType: row.work_type as WorkType } : {}),
    status: shownStatus(row),
    ...(row.remark ? { remark: row.remark } : {}),
    ...(row.applied_at ? { appliedAt: iso(row.applied_at) } : {}),
    holders: row.holders_text,
    authors: row.authors_text,
    ...(row.region ? { region: row.region } : {}),
    ...(row.registration_number ? { registrationNumber: row.registration_number } : {}),
    ...(row.review_deadline ? { reviewDeadline: iso(row.review_deadline), overdue: isOverdue(row) } : {}),
    ...(row.revoked_at ? { revokedAt: iso(row.revoked_at) } : {}),
    actions: forApplicant ? applicantActions(shownStatus(row)) : ['view'],
  };
}

/** The filing as the caller may see it, or 404 (never revealing another's filing exists). */
export async function loadVisible(db: Knex, user: SessionUser, filingId: string): Promise<FilingRow> {
  const row = (await db('filing.filings').where({ id: filingId }).first()) as FilingRow | undefined;
  if (!row || !canSee(user, row)) throw new ApiError('NOT_FOUND', '没有找到该作品', 'filingId');
  return row;
}

export function canSee(user: SessionUser, row: Pick<FilingRow, 'applicant_id' | 'status' | 'region'>): boolean {
  if (row.applicant_id === user.userId) return true;
  if (row.status === 'draft') return false; // a draft is its applicant's alone
  if (isStaff(user)) return true;
  return user.roles.includes('regional_staff') && !!user.region && coversRegion(user.region, row.region);
}

/** The applicant's own filing, locked for an update in this transaction. */
export async function loadOwnForUpdate(tx: Knex, user: SessionUser, filingId: string): Promise<FilingRow> {
  const row = (await tx('filing.filings').where({ id: filingId }).forUpdate().first()) as FilingRow | undefined;
  if (!row || row.applicant_id !== user.userId) throw new ApiError('NOT_FOUND', '没有找到该作品', 'filingId');
  return row;
}

export interface ListScope {
  applicantId?: string;
  regionCode?: string;
  excludeDrafts?: boolean;
}

/** What a list may be narrowed by: the title (part of it) everywhere; the rest in the review queues. */
export interface ListFilters {
  title?: string | undefined;
  workType?: WorkType | undefined;
  /** true: only those past their 办结期限; false: only those within it. */
  overdue?: boolean | undefined;
  /** 申请日期 from / to (YYYY-MM-DD, China time), both included. */
  appliedFrom?: string | undefined;
  appliedTo?: string | undefined;
}

/** Totals are exact up to this many matches; above it the planner's estimate (约 N 条) stands in. */
export const EXACT_TOTAL_UP_TO = 10_000;

/**
 * The total of a list without counting a million rows: an exact count of at most
 * EXACT_TOTAL_UP_TO + 1 matches (a LIMITed subquery stops there), else the planner's estimate.
 */
async function boundedTotal(
  db: Knex,
  matching: Knex.QueryBuilder,
  exactUpTo = EXACT_TOTAL_UP_TO,
): Promise<{ total: number; totalIsEstimate: boolean }> {
  const capped = matching
    .clone()
    .select(db.raw('1'))
    .limit(exactUpTo + 1);
  const [row] = await db.from(capped.as('capped')).count<{ n: string }[]>({ n: '*' });
  const n = Number(row?.n ?? 0);
  if (n <= exactUpTo) return { total: n, totalIsEstimate: false };
  const { sql, bindings } = matching.clone().select(db.raw('1')).toSQL();
  const { rows } = await db.raw(`explain (format json) ${sql}`, bindings as Knex.RawBinding[]);
  const estimate = Math.round(Number(rows[0]?.['QUERY PLAN']?.[0]?.Plan?.['Plan Rows'] ?? 0));
  return { total: Math.max(estimate, EXACT_TOTAL_UP_TO + 1), totalIsEstimate: true };
}

/**
 * One page of a list (共 N 条，20 条/页，跳至), newest first; staff queues oldest application first.
 * A list of several statuses reads each status in index order and merges them (UNION ALL), so
 * a page never sorts a whole status over a large read model. A title search uses the trigram
 * index (filings_title_trgm), or for one or two characters the character index
 * (filings_title_chars); the total is bounded (boundedTotal).
 */
export async function listFilings(
  db: Knex,
  scope: ListScope,
  q: { list: ListName; page: number; pageSize: number } & ListFilters,
  order: 'newest' | 'oldest_applied' = 'newest',
) {
  const statuses = q.list === 'all' ? undefined : listStatuses[q.list];
  // Drafts are left out by condition only where the list's statuses do not already leave them out
  // (a redundant condition also halves the planner's estimate of the total).
  const excludeDrafts = (scope.excludeDrafts || scope.regionCode) && (!statuses || statuses.includes('draft'));
  const filtered = () => {
    const b = db('filing.filings');
    if (scope.applicantId) b.where('applicant_id', scope.applicantId);
    if (scope.regionCode) {
      // 下级部门: the level of the code decides the column (province 33, city 3301, district 330106).
      const prefix = regionPrefix(scope.regionCode);
      if (prefix.length === 2) b.where('region_province', prefix);
      else if (prefix.length === 4) b.where('region_city', prefix);
      else b.where('region', prefix);
    }
    if (excludeDrafts) b.whereNot('status', 'draft');
    if (q.title) {
      const pattern = `%${q.title.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      // The trigram index finds 3 characters or more. For 1–2 the character index
      // (filings_title_chars) finds the rows holding them; the ILIKE, on an expression the trigram
      // index does not match (it would hand back every row), checks their order.
      if ([...q.title].length >= 3) b.where('title', 'ilike', pattern);
      else
        b.whereRaw('string_to_array(lower(title), null) @> string_to_array(lower(?), null)', [q.title]).whereRaw(
          "(title || '') ilike ?",
          [pattern],
        );
    }
    if (q.workType) b.where('work_type', q.workType);
    if (q.overdue === true) b.where('review_deadline', '<', db.fn.now());
    if (q.overdue === false)
      b.where((w) => w.whereNull('review_deadline').orWhere('review_deadline', '>=', db.fn.now()));
    // 申请日期 are China days: from the start of appliedFrom to the end of appliedTo in Asia/Shanghai.
    if (q.appliedFrom) b.whereRaw("applied_at >= (?::date)::timestamp at time zone 'Asia/Shanghai'", [q.appliedFrom]);
    if (q.appliedTo) b.whereRaw("applied_at < (?::date + 1)::timestamp at time zone 'Asia/Shanghai'", [q.appliedTo]);
    return b;
  };
  const sort =
    order === 'newest'
      ? [
          { column: 'created_at', order: 'desc' as const },
          { column: 'id', order: 'desc' as const },
        ]
      : [
          { column: 'applied_at', order: 'asc' as const },
          { column: 'id', order: 'asc' as const },
        ];
  const offset = (q.page - 1) * q.pageSize;

  let rows: FilingRow[];
  if (statuses && statuses.length > 1) {
    const parts = statuses.map((s) =>
      filtered()
        .where('status', s)
        .orderBy(sort)
        .limit(offset + q.pageSize)
        .toSQL(),
    );
    const orderSql = sort.map((o) => `${o.column} ${o.order}`).join(', ');
    const { rows: merged } = await db.raw(
      `select * from (${parts.map((p) => `(${p.sql})`).join(' union all ')}) as merged order by ${orderSql} limit ? offset ?`,
      [...parts.flatMap((p) => p.bindings), q.pageSize, offset],
    );
    rows = merged as FilingRow[];
  } else {
    const one = filtered();
    if (statuses) one.whereIn('status', statuses);
    rows = (await one.select('*').orderBy(sort).limit(q.pageSize).offset(offset)) as FilingRow[];
  }

  // A page that is not full tells the total without counting (unless it is past the end).
  let counted: { total: number; totalIsEstimate: boolean };
  if (rows.length < q.pageSize && (rows.length > 0 || offset === 0)) {
    counted = { total: offset + rows.length, totalIsEstimate: false };
  } else {
    const matching = filtered();
    if (statuses) matching.whereIn('status', statuses);
    // An empty page past the end (an estimated total overshot, or rows left the list): the true
    // total is below the offset, so count exactly, reading no further than the page query did.
    counted = await boundedTotal(
      db,
      matching,
      rows.length === 0 ? Math.max(offset, EXACT_TOTAL_UP_TO) : EXACT_TOTAL_UP_TO,
    );
  }
  return { rows, ...counted, page: q.page, pageSize: q.pageSize };
}

/** A list page as the API answers it. */
export function pageOf(page: Awaited<ReturnType<typeof listFilings>>, forApplicant: boolean) {
  return {
    items: page.rows.map((r) => toListItem(r, forApplicant)),
    total: page.total,
    ...(page.totalIsEstimate ? { totalIsEstimate: true } : {}),
    page: page.page,
    pageSize: page.pageSize,
  };
}
