// Summarises clang -ftime-trace output of the P5 translation units as markdown, for
// docs/benchmarks.md: where compiling `#include <centrali/client.hpp>` spends its time.
//
//   node time_trace_summary.mjs SDK_TRACE.json BASELINE_TRACE.json [TOP]
//
// Three views: the compiler phases (clang's own "Total …" events) side by side with the
// baseline TU; the headers by SELF parse time (a header's inclusive time would charge the first
// centrali header with everything it happens to pull in first); and the templates whose
// instantiation costs most, grouped with their arguments elided (Op<Collection>::submit and
// Op<Folder>::submit are one line) and counted only at the outermost instantiation, so that
// nested instantiations are not counted twice.
import { readFileSync } from 'node:fs';

const [sdkPath, basePath, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 10);
const load = (path) => JSON.parse(readFileSync(path, 'utf8')).traceEvents.filter((e) => e.ph === 'X');
const sdk = load(sdkPath);
const base = load(basePath);
const ms = (us) => (us / 1000).toFixed(0);

const totals = (events) => Object.fromEntries(
  events.filter((e) => e.name.startsWith('Total ')).map((e) => [e.name.slice(6), e.dur]));
const sdkTotals = totals(sdk);
const baseTotals = totals(base);

/// Events of `names`, each with its self time and whether it is outermost among them.
function nest(events, names) {
  const picked = events.filter((e) => names.includes(e.name)).sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const stack = [];
  for (const e of picked) {
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop();
    e.outermost = stack.length === 0;
    e.self = e.dur;
    if (stack.length) stack[stack.length - 1].self -= e.dur;
    stack.push(e);
  }
  return picked;
}

/// `a::B<x, C<y>>::f<z>` -> `a::B<…>::f<…>`
function elide(name) {
  let out = '';
  let depth = 0;
  for (const c of name) {
    if (c === '<') { if (depth++ === 0) out += '<…'; continue; }
    if (c === '>') { if (--depth === 0) out += '>'; continue; }
    if (depth === 0) out += c;
  }
  return out;
}

function shortPath(path) {
  const m = path.match(/include\/(?:c\+\+\/\d+\/)?(.*)$/);
  return m ? m[1] : path;
}

const lines = [];
lines.push('| phase (clang -ftime-trace) | `<centrali/client.hpp>` | `<nlohmann/json.hpp>` + `<curl/curl.h>` |');
lines.push('|---|---|---|');
for (const phase of ['Frontend', 'Source', 'ParseClass', 'InstantiateClass', 'InstantiateFunction',
  'PerformPendingInstantiations', 'Backend']) {
  if (!(phase in sdkTotals)) continue;
  lines.push(`| ${phase} | ${ms(sdkTotals[phase])} ms | ${ms(baseTotals[phase] ?? 0)} ms |`);
}
lines.push('');
lines.push('(Phases nest: Source, the parsing of headers, contains instantiations done while parsing; '
  + 'PerformPendingInstantiations is the instantiation of function templates deferred to the end of the TU.)');
lines.push('');

function library(path) {
  if (path.includes('/centrali/')) return 'centrali (this SDK)';
  if (path.includes('/nlohmann/')) return 'nlohmann/json';
  if (path.includes('/curl/')) return 'curl';
  if (/\/c\+\+\/\d+\//.test(path)) return 'libstdc++';
  return 'other system headers';
}

const headers = new Map();
const libraries = new Map();
const baseLibraries = new Map();
for (const e of nest(sdk, ['Source'])) {
  const path = e.args?.detail ?? '?';
  headers.set(shortPath(path), (headers.get(shortPath(path)) ?? 0) + e.self);
  libraries.set(library(path), (libraries.get(library(path)) ?? 0) + e.self);
}
for (const e of nest(base, ['Source'])) {
  const path = e.args?.detail ?? '?';
  baseLibraries.set(library(path), (baseLibraries.get(library(path)) ?? 0) + e.self);
}
lines.push('Header parsing by library (self time of each file, summed):');
lines.push('');
lines.push('| library | `<centrali/client.hpp>` TU | baseline TU |');
lines.push('|---|---|---|');
for (const [name, self] of [...libraries].sort((a, b) => b[1] - a[1]))
  lines.push(`| ${name} | ${ms(self)} ms | ${ms(baseLibraries.get(name) ?? 0)} ms |`);
lines.push('');
lines.push(`Headers by self parse time (top ${top}):`);
lines.push('');
lines.push('| header | self time |');
lines.push('|---|---|');
for (const [header, self] of [...headers].sort((a, b) => b[1] - a[1]).slice(0, top))
  lines.push(`| \`${header}\` | ${ms(self)} ms |`);
lines.push('');

const templates = new Map();
for (const e of nest(sdk, ['InstantiateFunction', 'InstantiateClass'])) {
  if (!e.outermost) continue;
  const key = elide(e.args?.detail ?? '?');
  const entry = templates.get(key) ?? { dur: 0, count: 0 };
  entry.dur += e.dur;
  entry.count += 1;
  templates.set(key, entry);
}
const instantiated = [...templates].sort((a, b) => b[1].dur - a[1].dur);
const all = instantiated.reduce((sum, [, v]) => sum + v.dur, 0);
lines.push(`Templates by instantiation time, outermost instantiations only, arguments elided (top ${top} of `
  + `${instantiated.length}; ${ms(all)} ms in all):`);
lines.push('');
lines.push('| template | instantiations | time |');
lines.push('|---|---|---|');
for (const [name, { dur, count }] of instantiated.slice(0, top))
  lines.push(`| \`${name.replace(/\|/g, '\\|')}\` | ${count} | ${ms(dur)} ms |`);
console.log(lines.join('\n'));
