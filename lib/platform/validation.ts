import { z } from 'zod';
import type { ErrorDetail } from './errors';

/**
 * zod issues as error details: `path` is dotted (`items.0.quantity`), prefixed when the parsed
 * value sits inside something larger (an envelope's `data`), and `fallback` when it is the root.
 */
export const issueDetails = (issues: readonly z.ZodIssue[], options: { prefix?: string; fallback?: string } = {}): ErrorDetail[] =>
  issues.map((issue) => ({
    path: [options.prefix, ...issue.path.map(String)].filter(Boolean).join('.') || (options.fallback ?? '(root)'),
    message: issue.message,
  }));

/** "a.b must ...; c is required": one line a person reads, built from the details. */
export const summarise = (details: readonly ErrorDetail[]): string => details.map((d) => `${d.path} ${d.message}`).join('; ');

/** An id a client may send or a token may carry: short, and only characters that are safe in keys and logs. */
export const identifierSchema = z
  .string({ required_error: 'is required', invalid_type_error: 'must be a string' })
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9_.:-]+$/, 'may contain only letters, digits, and _ . : -');
