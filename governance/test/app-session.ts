import pg from 'pg';

/**
 * A connection to the test database with these session settings (`app.tenant_id`,
 * `app.project_id`, …), as `role` (password 'app-pw') or, with null, as the admin of `url`.
 * The caller keeps it in `open` and ends it.
 */
export async function connectSession(
  url: string,
  settings: Record<string, string>,
  role: string | null,
  open: pg.Client[],
): Promise<pg.Client> {
  const target = new URL(url);
  if (role !== null) {
    target.username = role;
    target.password = 'app-pw';
  }
  const options = Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v}`)
    .join(' ');
  const client = new pg.Client({ connectionString: target.toString(), options });
  open.push(client);
  await client.connect();
  return client;
}
