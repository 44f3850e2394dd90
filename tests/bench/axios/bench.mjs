// The axios side of P1 (tests/bench/bench_get.cpp runs this against its in-process emulator).
// axios is the HTTP client of the official JS SDK, so this is what the same calls cost there.
//
//   node bench.mjs BASE_URL TOKEN SLUG RECORD_ID ITERATIONS [ROUNDS]
//
// Each round makes ITERATIONS sequential GETs of one record and ITERATIONS/10 (at least 1)
// sequential queries of 100 records (`?pageSize=100`, ~10x the bytes of a GET), one keep-alive
// connection, bodies parsed by axios as the SDK would. Prints ONE JSON line: microseconds per
// call, medians of the rounds (and the rounds themselves), wall time and process CPU time.
import http from 'node:http';
import { createRequire } from 'node:module';
import axios from 'axios';

const [baseURL, token, slug, recordId, iterationsArg, roundsArg] = process.argv.slice(2);
if (!recordId || !iterationsArg) {
  console.error('usage: node bench.mjs BASE_URL TOKEN SLUG RECORD_ID ITERATIONS [ROUNDS]');
  process.exit(2);
}
const iterations = Number(iterationsArg);
const queryIterations = Math.max(1, Math.floor(iterations / 10));
const rounds = Number(roundsArg ?? 5);

// keepAlive: one TCP connection for every call, like the SDK's pooled libcurl handle.
// maxSockets 1: the calls are sequential; a second socket would only mean a cold one.
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
// Accept-Encoding: identity, because axios on Node otherwise asks for gzip/deflate/br and the
// emulator then brotli-compresses every body: on loopback that measures the server's compressor
// (~100 ms for a 100-record page), not the client. The SDK and the raw loop ask for no encoding,
// so identity keeps all three on the same wire.
const client = axios.create({
  baseURL,
  httpAgent: agent,
  headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', 'Accept-Encoding': 'identity' },
});
const recordPath = `/data/workspace/acme/api/v1/records/slug/${slug}`;

async function getOne() {
  const response = await client.get(`${recordPath}/${recordId}`);
  if (response.data.data.id !== recordId) throw new Error('wrong record');
}
async function queryPage() {
  const response = await client.get(recordPath, { params: { pageSize: 100 } });
  if (response.data.data.length !== 100) throw new Error(`expected 100 records, got ${response.data.data.length}`);
}

const cpuMicros = () => {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
};

async function timed(call, count) {
  const wallStart = process.hrtime.bigint();
  const cpuStart = cpuMicros();
  for (let i = 0; i < count; i++) await call();
  return {
    wall: Number(process.hrtime.bigint() - wallStart) / 1000 / count,
    cpu: (cpuMicros() - cpuStart) / count,
  };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
};

// Warm-up: the connection, and V8's optimising compiler; a cold JIT would flatter the C++ side
// (measured here: per-call time keeps falling for the first ~2,000 GETs).
for (let i = 0; i < Math.max(2000, 3 * iterations); i++) await getOne();
for (let i = 0; i < Math.max(200, 3 * queryIterations); i++) await queryPage();

const get = { wall: [], cpu: [] };
const query = { wall: [], cpu: [] };
for (let round = 0; round < rounds; round++) {
  // Alternate which call goes first, as the C++ side does.
  const order = round % 2 === 0 ? [[getOne, iterations, get], [queryPage, queryIterations, query]]
                                : [[queryPage, queryIterations, query], [getOne, iterations, get]];
  for (const [call, count, into] of order) {
    const { wall, cpu } = await timed(call, count);
    into.wall.push(wall);
    into.cpu.push(cpu);
  }
}
agent.destroy();

const axiosVersion = createRequire(import.meta.url)('axios/package.json').version;
console.log(JSON.stringify({
  get_us: median(get.wall),
  query_us: median(query.wall),
  get_cpu_us: median(get.cpu),
  query_cpu_us: median(query.cpu),
  get_rounds_us: get.wall,
  query_rounds_us: query.wall,
  get_cpu_rounds_us: get.cpu,
  query_cpu_rounds_us: query.cpu,
  iterations,
  query_iterations: queryIterations,
  rounds,
  node: process.version,
  axios: axiosVersion,
}));
