import Joi from 'joi';
import { AUDIT_ACTIONS, ROLES, type AuditAction, type Role } from '../models';
import { USER_SORTS, type UserSort } from '../repositories';
import { emailRule, nameRule, storableDate } from './auth.schemas';

/** The largest page the admin lists give: a bigger one is refused, not clipped. */
export const MAX_PAGE_SIZE = 100;

const userId = Joi.number().integer().min(1).max(4_294_967_295);
const page = Joi.number().integer().min(1).max(1_000_000).default(1);
const limit = Joi.number().integer().min(1).max(MAX_PAGE_SIZE).default(20);

export interface UserParams {
  id: number;
}

export const userParamsSchema = Joi.object<UserParams, true>({
  id: userId.required().description('A user id.'),
}).required();

export interface UserListQuery {
  page: number;
  limit: number;
  q?: string;
  role?: Role;
  disabled?: boolean;
  sort: UserSort;
}

export const userListQuerySchema = Joi.object<UserListQuery, true>({
  page,
  limit,
  q: Joi.string()
    .trim()
    .max(254)
    .description('A prefix of the email or of the name (`%` and `_` are plain characters).'),
  role: Joi.string().valid(...ROLES),
  disabled: Joi.boolean(),
  sort: Joi.string()
    .valid(...USER_SORTS)
    .default('-created_at'),
}).required();

export interface UserPatchInput {
  name?: string;
  disabled?: boolean;
  role?: Role;
  email?: string;
}

// Moderators may send name and disabled; role and email need an admin (the service decides, 403).
export const userPatchSchema = Joi.object<UserPatchInput, true>({
  name: nameRule,
  disabled: Joi.boolean(),
  role: Joi.string().valid(...ROLES),
  email: emailRule,
})
  .min(1)
  .required();

export interface AuditListQuery {
  page: number;
  limit: number;
  actor?: string;
  target?: number;
  action?: AuditAction;
  since?: Date;
}

export const auditListQuerySchema = Joi.object<AuditListQuery, true>({
  page,
  limit,
  actor: Joi.string()
    .pattern(/^(system|[1-9][0-9]{0,9})$/, { name: 'a user id or "system"' })
    .description('Entries by this user id, or by `system`.'),
  target: userId.description('Entries about this user id.'),
  action: Joi.string().valid(...AUDIT_ACTIONS),
  since: storableDate.description('Entries at or after this instant.'),
}).required();

export interface PageQuery {
  page: number;
  limit: number;
}

export const pageQuerySchema = Joi.object<PageQuery, true>({ page, limit }).required();
