import { z } from 'zod';

/** Identifiers are UUIDs made by the service that owns the row. */
export const Id = z.uuid();

export const ObjectRef = z
  .object({ bucket: z.string(), key: z.string(), sha256: z.string().regex(/^[0-9a-f]{64}$/) })
  .meta({ id: 'ObjectRef' });
export type ObjectRef = z.infer<typeof ObjectRef>;

/** Staff and user roles (角色). */
export const Role = z.enum(['applicant', 'initial_reviewer', 'final_reviewer', 'finance', 'admin', 'regional_staff']);
export type Role = z.infer<typeof Role>;

/** What every service knows about the caller, from the session cookie. */
export const SessionUser = z.object({
  userId: Id,
  roles: z.array(Role),
  /** Region code (行政区划代码) for regional staff and reviewers bound to a region. */
  region: z.string().optional(),
});
export type SessionUser = z.infer<typeof SessionUser>;

/** Lists are paginated 20 a page by default (共 N 条, 20 条/页, 跳至). */
export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});
export const pageOf = <T extends z.ZodType>(item: T) =>
  z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });

export { TaskQueue } from './task-queues';
