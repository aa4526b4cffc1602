#!/usr/bin/env python3
"""Direct start-up measurement of serve (issue 14; BENCHMARKS.md, "Start-up, second pass").

Starts `serve` N times through the launcher of a directory laid out like the repository (ROOT/llm-router,
ROOT/router-cli/llm-router.jvm.options, ROOT/router-cli/target/llm-router.jar; the launcher writes the archive
beside the jar first), or with --direct as `java <options file> -XX:SharedArchiveFile=... -jar`, on the
load harness's guide-shaped config (every api_base a closed loopback port; no request is sent upstream).
Polls /health/readiness every 2 ms and, at the first 200, reads the process's utime+stime from
/proc/<pid>/stat (and with --threads each thread's, summed by name), then stops it with SIGTERM.
Prints the median (min-max) wall and CPU time to ready and the load average. --opts adds JVM options
(LLM_ROUTER_JAVA_OPTS); -Dllm-router.startup.trace=true makes serve print its stages to the log, whose last
run is kept in the work directory.

  python3 scripts/startup-probe.py --root . -n 10 --threads [--opts=-Dllm-router.startup.trace=true]
"""
import os, sys, time, socket, subprocess, statistics, signal, argparse, collections, tempfile
p = argparse.ArgumentParser()
p.add_argument('--root', required=True)
p.add_argument('-n', type=int, default=10)
p.add_argument('--opts', default='')
p.add_argument('--threads', action='store_true')
p.add_argument('--label', default='')
p.add_argument('--direct', action='store_true')
a = p.parse_args()
TCK = os.sysconf('SC_CLK_TCK')
work = tempfile.mkdtemp(prefix='llm-router-startup-')
log = os.path.join(work, 'last.log')
print(f'work directory: {work}', file=sys.stderr)
cfg = os.path.join(work, 'config.yaml')
if True:
    base = 'http://127.0.0.1:9/v1'
    open(cfg, 'w').write(f'''model_list:
  - model_name: "llama-local"
    litellm_params:
      model: "hosted_vllm/mock-model"
      api_base: "{base}"
      api_key: "none"
  - model_name: "groq/llama-3.1-8b"
    litellm_params:
      model: "groq/llama-3.1-8b-instant"
      api_base: "{base}"
      api_key: "os.environ/GROQ_API_KEY"
      rpm: 28
      tpm: 5500
  - model_name: "nvidia/llama-3.3-70b"
    litellm_params:
      model: "nvidia_nim/meta/llama-3.3-70b-instruct"
      api_base: "{base}"
      api_key: "os.environ/NVIDIA_NIM_API_KEY"
      rpm: 40
  - model_name: "openrouter/hermes-3-405b"
    litellm_params:
      model: "openrouter/nousresearch/hermes-3-llama-3.1-405b:free"
      api_base: "{base}"
      api_key: "os.environ/OPENROUTER_API_KEY"
      rpm: 18
router_settings:
  routing_strategy: "simple-shuffle"
  num_retries: 2
  retry_after: 5
  allowed_fails: 3
  cooldown_time: 86400
  fallbacks:
    - {{"llama-local": ["groq/llama-3.1-8b", "nvidia/llama-3.3-70b", "openrouter/hermes-3-405b"]}}
general_settings:
  master_key: "sk-bench"
  background_health_checks: false
litellm_settings:
  drop_params: true
  request_timeout: 120
''')
def free_port():
    s = socket.socket(); s.bind(('127.0.0.1', 0)); port = s.getsockname()[1]; s.close(); return port
def ready(port):
    try:
        s = socket.create_connection(('127.0.0.1', port), timeout=0.5)
    except OSError:
        return False
    try:
        s.sendall(f'GET /health/readiness HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'.encode())
        d = s.recv(64)
        return d.startswith(b'HTTP/1.1 200')
    except OSError:
        return False
    finally:
        s.close()
def cpu(stat):
    f = stat[stat.rindex(')') + 2:].split()
    return (int(f[11]) + int(f[12])) / TCK
def threads(pid):
    out = collections.Counter()
    for t in os.listdir(f'/proc/{pid}/task'):
        try:
            st = open(f'/proc/{pid}/task/{t}/stat').read()
        except OSError:
            continue
        name = st[st.index('(') + 1:st.rindex(')')]
        if name.startswith('C2 ') or name.startswith('C1 '): name = name[:2] + ' compiler'
        out[name] += cpu(st)
    return out
env = dict(os.environ, LLM_ROUTER_JAR=f'{a.root}/router-cli/target/llm-router.jar', LLM_ROUTER_JAVA_OPTS=a.opts,
           GROQ_API_KEY='x', NVIDIA_NIM_API_KEY='x', OPENROUTER_API_KEY='x')
# the launcher writes the archive now if it is missing or stale, so no measured start pays for it
subprocess.run(['bash', f'{a.root}/llm-router', '--version'], env=env, stdout=subprocess.DEVNULL, check=True)
walls, cpus, agg = [], [], collections.Counter()
for i in range(a.n):
    port = free_port()
    t0 = time.monotonic()
    launch = ['bash', f'{a.root}/llm-router'] if not a.direct else (['java'] + [l.strip() for l in open(f'{a.root}/router-cli/llm-router.jvm.options') if l.strip() and not l.startswith('#')]
        + [f'-XX:SharedArchiveFile={a.root}/router-cli/target/llm-router.jsa'] + a.opts.split() + ['-jar', f'{a.root}/router-cli/target/llm-router.jar'])
    pr = subprocess.Popen(launch + ['serve', '--config', cfg, '--no-state-file', '--shutdown-grace', '1',
                           '--no-watch', '--port', str(port)], env=env, stdout=subprocess.DEVNULL, stderr=open(log, 'w'))
    while not ready(port):
        if pr.poll() is not None: sys.exit('exited: ' + open(log).read()[-2000:])
        time.sleep(0.002)
    w = time.monotonic() - t0
    c = cpu(open(f'/proc/{pr.pid}/stat').read())
    th = threads(pr.pid) if a.threads else {}
    for k, v in th.items(): agg[k] += v
    walls.append(w * 1000); cpus.append(c * 1000)
    pr.send_signal(signal.SIGTERM); pr.wait()
m = statistics.median
print(f'{a.label}: n={a.n} wall median {m(walls):.0f} ms ({min(walls):.0f}-{max(walls):.0f}); cpu median {m(cpus):.0f} ms ({min(cpus):.0f}-{max(cpus):.0f}); load {os.getloadavg()[0]:.1f}')
if a.threads:
    for k, v in agg.most_common(12): print(f'   {k:24s} {v / a.n * 1000:6.0f} ms')
