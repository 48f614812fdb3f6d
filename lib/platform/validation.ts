import type { z } from 'zod';
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
