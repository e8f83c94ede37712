/**
 * One seeded example of every secret format the redactor must mask (issue 12's list), each with the part
 * that must never appear anywhere (`value`), inside the text it usually comes in (`text`).
 */
const pad = (prefix: string, length: number, fill = 'Q7'): string => (prefix + fill.repeat(length)).slice(0, length);

/** A format, an example of it in context, and the secret part to grep for. */
export interface Seed {
  kind: string;
  text: string;
  value: string;
}

const ghp = `ghp_${pad('SeededGh01', 36)}`;
const githubPat = `github_pat_11${pad('SEEDEDPAT02_', 80)}`;
const jwt = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzZWVkZWQtand0LTAxIn0.SeededJwtSig03abcDEF_-x';
const pgp = ['-----BEGIN PGP PRIVATE KEY BLOCK-----', '', 'lQOYBFSeededPgpBody24xyz', '=Ab12', '-----END PGP PRIVATE KEY BLOCK-----'].join('\n');

/** Every format, in the order of issue 12. */
export const SEEDS: readonly Seed[] = [
  { kind: 'jwt', text: `id_token ${jwt}`, value: 'eyJzdWIiOiJzZWVkZWQtand0LTAxIn0' },
  { kind: 'github-pat', text: `GITHUB ${ghp}`, value: ghp.slice(4) },
  { kind: 'github-fine-grained-pat', text: `pat ${githubPat}`, value: githubPat.slice(11) },
  { kind: 'slack-bot-token', text: 'slack xoxb-1234567890-0987654321-SeededSlack04', value: 'SeededSlack04' },
  { kind: 'slack-webhook', text: 'hook https://hooks.slack.com/services/T0SEED05/B0SEED05/SeededWebhook05abc', value: 'SeededWebhook05abc' },
  { kind: 'postgres-url', text: 'DATABASE_URL=postgres://app:pgSeeded06@db.internal:5432/pay', value: 'pgSeeded06' },
  { kind: 'mysql-url', text: 'dsn mysql://root:mySeeded07@mysql:3306/x', value: 'mySeeded07' },
  { kind: 'redis-url', text: 'cache redis://:rdSeeded08@redis:6379/0', value: 'rdSeeded08' },
  { kind: 'mongodb-srv-url', text: 'mongo mongodb+srv://svc:mgSeeded09@cluster0.example.net/db', value: 'mgSeeded09' },
  { kind: 'https-userinfo-url', text: 'clone https://deploy:htSeeded10@git.example.com/r.git', value: 'htSeeded10' },
  { kind: 'stripe-live-key', text: 'stripe sk_live_51SeededStripe11abcdefXYZ', value: 'SeededStripe11' },
  { kind: 'gcp-api-key', text: `maps ${pad('AIzaSyA-SeededGcp12_', 39)}`, value: pad('AIzaSyA-SeededGcp12_', 39).slice(4) },
  { kind: 'gitlab-pat', text: 'gitlab glpat-SeededGitlab13abcdefgh', value: 'SeededGitlab13abcdefgh' },
  { kind: 'npm-token', text: `//registry/:_authToken=npm_${pad('SeededNpm14', 36)}`, value: pad('SeededNpm14', 36) },
  { kind: 'openai-project-key', text: 'OPENAI sk-proj-SeededOpenai15abcdefghijklmnop', value: 'SeededOpenai15' },
  { kind: 'sendgrid', text: 'mail SG.SeededSendgr16abcd.SeededSendgridSecret16abcdefghij', value: 'SeededSendgridSecret16' },
  { kind: 'azure-account-key', text: 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=SeededAzure17+/abc==;EndpointSuffix=core.windows.net', value: 'SeededAzure17' },
  { kind: 'cookie', text: 'Cookie: session=SeededCookie18; theme=dark', value: 'SeededCookie18' },
  { kind: 'set-cookie', text: 'Set-Cookie: sid=SeededSetCookie19; Path=/; HttpOnly', value: 'SeededSetCookie19' },
  { kind: 'password-flag-space', text: 'psql --password SeededPwFlag20 -h db', value: 'SeededPwFlag20' },
  { kind: 'short-p-quoted', text: "mysql -uroot -p'SeededShortPw21' -h db", value: 'SeededShortPw21' },
  { kind: 'pgp-private-key', text: pgp, value: 'lQOYBFSeededPgpBody24xyz' },
  { kind: 'passphrase', text: 'passphrase: SeededPassphrase22', value: 'SeededPassphrase22' },
];
