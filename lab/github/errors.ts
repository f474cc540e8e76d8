// GitHub's error answers: `{ message, documentation_url, status }`, status as a string as the
// real API sends it. Handlers throw GitHubError; the server turns it into the answer.
export const DOCS = 'https://docs.github.com/rest';

export class GitHubError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly documentationUrl: string = DOCS,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  body(): { message: string; documentation_url: string; status: string } {
    return { message: this.message, documentation_url: this.documentationUrl, status: String(this.status) };
  }
}

export const notFound = (documentationUrl = DOCS): GitHubError => new GitHubError(404, 'Not Found', documentationUrl);

export const unprocessable = (message: string, documentationUrl = DOCS): GitHubError =>
  new GitHubError(422, message, documentationUrl);

export function errorBody(status: number, message: string): { message: string; documentation_url: string; status: string } {
  return new GitHubError(status, message).body();
}
