import type * as v from 'valibot';
import { getDotPath } from 'valibot';

/**
 * One line per issue, `path: problem`, never echoing the value: valibot's default messages end with
 * "but received <value>", and config values can be secrets, so a default message is cut to its
 * kind and what was expected. Custom messages (which never quote the value) are kept whole.
 * @example describeIssues(v.safeParse(schema, input).issues ?? [], 'providers') // ['ga4.measurementId: Must look like G-XXXXXXX']
 */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[], root: string): string[] {
  return issues.map((issue) => {
    const path = getDotPath(issue) ?? root;
    const problem = issue.message.startsWith('Invalid ') ? `${issue.message.split(':')[0]} (expected ${issue.expected ?? issue.type})` : issue.message;
    return `${path}: ${problem}`;
  });
}
