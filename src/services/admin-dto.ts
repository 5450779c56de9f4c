import type { Role } from '../models';
import type { UserRecord, WebhookDeliveryRow } from '../repositories';
import { toUserDto, type UserDto } from './user.service';

/** A user as the admin API shows it: the public profile and its state; never the password hash. */
export interface AdminUserDto extends UserDto {
  disabled: boolean;
  disabled_at: string | null;
  email_verified: boolean;
}

/** One user in detail: also live sessions, linked providers and the last login. */
export interface AdminUserDetailDto extends AdminUserDto {
  sessions: number;
  providers: string[];
  last_login_at: string | null;
}

/** A page of a list: the items, how many match in all, and which page this is. */
export interface Page {
  total: number;
  page: number;
  limit: number;
}

const isoOrNull = (date: Date | null): string | null => (date === null ? null : date.toISOString());

export function toAdminUserDto(user: UserRecord): AdminUserDto {
  return {
    ...toUserDto(user),
    disabled: user.disabledAt !== null,
    disabled_at: isoOrNull(user.disabledAt),
    email_verified: user.emailVerified !== null,
  };
}

/** The outcome of a webhook event as `GET /admin/webhooks/deliveries` shows it. */
export interface WebhookDeliveryDto {
  id: number;
  event_id: string;
  type: string;
  user_id: number | null;
  status: string;
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  next_attempt_at: string;
  delivered_at: string | null;
  created_at: string;
}

export function toWebhookDeliveryDto(row: WebhookDeliveryRow): WebhookDeliveryDto {
  return {
    id: row.id,
    event_id: row.eventId,
    type: row.type,
    user_id: row.userId,
    status: row.status,
    attempts: row.attempts,
    last_status_code: row.lastStatusCode,
    last_error: row.lastError,
    next_attempt_at: row.nextAttemptAt.toISOString(),
    delivered_at: isoOrNull(row.deliveredAt),
    created_at: row.createdAt.toISOString(),
  };
}

/** Roles by power: a rule "moderator or above" compares ranks. */
export const ROLE_RANK: Readonly<Record<Role, number>> = { user: 0, moderator: 1, admin: 2 };
