// The client of `bench:api`'s c=1 rows: sequential POSTs on one keep-alive connection, each timed
// with performance.now() (autocannon reports whole milliseconds, too coarse for a 1 ms goal).
// Usage: node timed-client.mjs <url> <api key> <json body> <count> → JSON array of ms on stdout.
import http from 'node:http';

const [url, key, body, count] = process.argv.slice(2);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const target = new URL(url);
const headers = {
  authorization: `Bearer ${key}`,
  'content-type': 'application/json',
  'content-length': Buffer.byteLength(body),
};
const once = () =>
  new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers,
      },
      (res) => {
        res.resume();
        res.once('end', () =>
          res.statusCode < 300 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`)),
        );
      },
    );
    req.once('error', reject);
    req.end(body);
  });
const times = [];
for (let i = 0; i < Number(count); i++) {
  const t0 = performance.now();
  await once();
  times.push(performance.now() - t0);
}
agent.destroy();
process.stdout.write(JSON.stringify(times));
