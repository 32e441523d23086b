// A GitLab instance's REST API (v4) as include resolution uses it: GET with the user's token in
// the PRIVATE-TOKEN header, answers reduced to GitLab's own `message`, and the words for a refusal
// (401, 403, 404 Project Not Found) that name the instance, the project and where the token came
// from — never the token itself.
import { hostOf, httpGet } from './http-get.js';

export interface GitLabCredential {
  token: string;
  /** Where the token came from, for messages: `GLCI_GITLAB_TOKEN`, `glab's login (<config file>)`. */
  source: string;
}

export interface GitLabInstance {
  /** e.g. `https://gitlab.example.com` (no trailing slash needed). */
  url: string;
  /** The token for this instance, looked up when the API is first used. */
  credential?: () => Promise<GitLabCredential | null>;
}

export type ApiAnswer =
  | { kind: 'ok'; body: string; headers: Headers }
  /** An HTTP error; `message` is GitLab's (`404 Project Not Found`, `401 Unauthorized`). */
  | { kind: 'error'; status: number; message: string }
  /** No network; `detail` names the host and the failure: `gitlab.com could not be reached (ENOTFOUND)`. */
  | { kind: 'network'; detail: string }
  | { kind: 'failed'; detail: string };

export class GitLabApi {
  readonly url: string;
  readonly host: string;
  readonly #lookup: (() => Promise<GitLabCredential | null>) | undefined;
  #credential: Promise<GitLabCredential | null> | null = null;

  constructor(instance: GitLabInstance, private readonly timeoutMs: number) {
    this.url = instance.url.replace(/\/+$/, '');
    this.host = hostOf(this.url);
    this.#lookup = instance.credential;
  }

  /** GET `/api/v4<path>`. */
  async get(path: string): Promise<ApiAnswer> {
    const credential = await this.credential();
    const headers: Record<string, string> = credential ? { 'PRIVATE-TOKEN': credential.token } : {};
    const result = await httpGet(`${this.url}/api/v4${path}`, { timeoutMs: this.timeoutMs, headers });
    if (result.kind === 'network') return { kind: 'network', detail: `${this.host} could not be reached (${result.detail})` };
    if (result.kind === 'failed') return { kind: 'failed', detail: `${this.host}: ${result.detail}` };
    if (result.status < 400) return { kind: 'ok', body: result.body, headers: result.headers };
    return { kind: 'error', status: result.status, message: gitlabMessage(result.status, result.body) };
  }

  credential(): Promise<GitLabCredential | null> {
    this.#credential ??= this.#lookup ? this.#lookup().catch(() => null) : Promise.resolve(null);
    return this.#credential;
  }

  /** Why GitLab refused `subject` (a project, a template), and what to check. */
  async refusal(answer: { status: number; message: string }, subject: string): Promise<{ message: string; hint: string }> {
    const source = (await this.credential())?.source ?? null;
    const message = `${this.url} answered ${answer.message} for ${subject}`;
    if (answer.status === 401) {
      return { message, hint: source ? `the token from ${source} was rejected: check that it is valid, not expired or revoked, and has the read_api scope` : this.#loginHint() };
    }
    if (answer.status === 403) {
      return { message, hint: source ? `the token from ${source} may not read ${subject}: it needs the read_api scope and a user with access to the project` : this.#loginHint() };
    }
    return { message, hint: `check GLCI_GITLAB_URL (${this.url})` };
  }

  /** The hint for GitLab's `404 Project Not Found`, which is also its answer to "not allowed". */
  async projectNotFoundHint(project: string): Promise<string> {
    const source = (await this.credential())?.source ?? null;
    if (source) return `${this.url} has no project \`${project}\` that the token from ${source} may read: check the path, and that the token's user can see the project`;
    return `${this.url} has no public project \`${project}\`; for a private one, ${this.#loginHint()}`;
  }

  #loginHint(): string {
    return `set GLCI_GITLAB_TOKEN to a token with the read_api scope, or log in with \`glab auth login --hostname ${this.host}\``;
  }
}

export function projectEndpoint(project: string): string {
  return `/projects/${encodeURIComponent(project)}`;
}

/** GitLab answers errors as `{"message": "404 Project Not Found"}` (Grape's own as `{"error": ...}`). */
function gitlabMessage(status: number, body: string): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown; error?: unknown };
    const text = typeof parsed.message === 'string' ? parsed.message : typeof parsed.error === 'string' ? parsed.error : null;
    if (text) return text;
  } catch {
    // not JSON: a proxy's page
  }
  return `HTTP ${status}`;
}
