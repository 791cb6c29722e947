// The narrow view of GitHub issues the failure report needs; rest-issue-tracker.ts implements it.

/** An issue as the failure report sees it. */
export interface Issue {
  number: number;
  title: string;
  /** The issue's page, for logs and outputs. */
  url: string;
  state: 'open' | 'closed';
  /** Label names. */
  labels: string[];
  /** Its text (Markdown); empty when it has none. */
  body: string;
}

/** A comment as the failure report sees it. */
export interface IssueComment {
  id: number;
  url: string;
}

/** What to open. */
export interface NewIssue {
  title: string;
  body: string;
  labels: string[];
}

/**
 * Finds, opens, comments on and closes issues of one repository.
 * Implementations throw GitHubApiError when the service refuses.
 */
export interface IssueTracker {
  /**
   * The oldest open issue carrying `label` (pull requests, which GitHub lists with issues, are not
   * issues here), or `undefined`. The oldest, so that comments keep going to the same issue even
   * if a second one was opened by hand.
   */
  findOpenIssue(label: string): Promise<Issue | undefined>;
  create(issue: NewIssue): Promise<Issue>;
  comment(issueNumber: number, body: string): Promise<IssueComment>;
  /** Closes the issue as completed. */
  close(issueNumber: number): Promise<Issue>;
  /** Replaces the issue's text. */
  updateBody(issueNumber: number, body: string): Promise<Issue>;
}
