// Drives an exported opossum or cockatiel configuration through an outcome trace on fake timers and
// prints what the library did, as JSON on stdout:
//   {"transitions": [{"t": ms, "to": "open"|"half_open"|"closed"}], "calls": ["ok"|"failed"|"rejected"],
//    "retries": [[delay ms, ...] per retry call]}
// Usage: node harness.js opossum|cockatiel CONFIG TRACE.json   (NODE_PATH must hold the packages)
// Trace (docs/interop.md, "Proof against the real libraries"): {"calls": [{"at": ms, "latency": ms, "ok": bool}],
//                                   "retry_calls": [[{"latency": ms, "ok": bool}, ...]]}
'use strict';
const fs = require('fs');
const path = require('path');
const FakeTimers = require('@sinonjs/fake-timers');

const [lib, configPath, tracePath] = process.argv.slice(2);
const trace = JSON.parse(fs.readFileSync(tracePath, 'utf8'));
// Fake Date and timers before the library is loaded, so it only ever sees virtual time.
const clock = FakeTimers.install({ now: 0, toFake: ['Date', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] });

const transitions = [];
const calls = [];
const retries = [];
const record = to => transitions.push({ t: Date.now(), to });

// One call of the trace: resolves or rejects after `latency` virtual ms.
const service = (latency, ok) => () =>
  new Promise((resolve, reject) => setTimeout(() => (ok ? resolve('ok') : reject(new Error('failed'))), latency));

async function runCalls(invoke, isRejection) {
  for (const c of trace.calls) {
    await clock.tickAsync(c.at - Date.now());
    let outcome = 'ok';
    const done = invoke(service(c.latency, c.ok)).catch(e => {
      outcome = isRejection(e) ? 'rejected' : 'failed';
    });
    await clock.tickAsync(c.latency);
    await done;
    calls.push(outcome);
  }
}

async function opossum() {
  const CircuitBreaker = require('opossum');
  const options = JSON.parse(fs.readFileSync(configPath, 'utf8'));
  const breaker = new CircuitBreaker((fn) => fn(), options);
  breaker.on('open', () => record('open'));
  breaker.on('halfOpen', () => record('half_open'));
  breaker.on('close', () => record('closed'));
  await runCalls(fn => breaker.fire(fn), e => e.code === 'EOPENBREAKER');
  breaker.shutdown();
}

async function cockatiel() {
  const { CircuitState, BrokenCircuitError } = require('cockatiel');
  const policies = require(path.resolve(configPath)).createPolicies();
  const names = { [CircuitState.Open]: 'open', [CircuitState.HalfOpen]: 'half_open', [CircuitState.Closed]: 'closed' };
  if (policies.circuitBreaker) {
    policies.circuitBreaker.onStateChange(s => record(names[s] || String(s)));
    await runCalls(fn => policies.circuitBreaker.execute(fn), e => e instanceof BrokenCircuitError);
  }
  if (policies.retry) {
    for (const attempts of trace.retry_calls || []) {
      const delays = [];
      const listener = policies.retry.onRetry(r => delays.push(r.delay));
      let n = 0;
      const done = policies.retry.execute(() => {
        const a = attempts[Math.min(n++, attempts.length - 1)];
        return service(a.latency, a.ok)();
      }).catch(() => {});
      // Run every timer the call schedules (its attempts and backoff waits).
      await clock.runAllAsync();
      await done;
      listener.dispose();
      retries.push(delays);
    }
  }
}

(lib === 'opossum' ? opossum() : cockatiel())
  .then(() => {
    clock.uninstall();
    process.stdout.write(JSON.stringify({ transitions, calls, retries }) + '\n');
  })
  .catch(e => {
    process.stderr.write(String(e && e.stack || e) + '\n');
    process.exit(3);
  });
