"""CPU per request of a running server, by thread: one wrk run, /proc before and after.

usage: cpu_per_request.py PID URL [wrk options...]   e.g. -s bench/collector/collect.lua
Thread names are folded (vert.x-eventloop-thread-0 -> vert.x-eventloo...): Linux keeps 15 characters.
"""
import os, sys, subprocess, re, collections
pid = sys.argv[1]; url = sys.argv[2]; extra = sys.argv[3:]
hz = os.sysconf('SC_CLK_TCK')
def snap():
    d = collections.Counter()
    for tid in os.listdir(f'/proc/{pid}/task'):
        try:
            s = open(f'/proc/{pid}/task/{tid}/stat').read()
        except FileNotFoundError:
            continue
        comm = s[s.index('(')+1:s.rindex(')')]
        f = s[s.rindex(')')+2:].split()
        t = (int(f[11]) + int(f[12])) / hz
        comm = re.sub(r'[-#]?\d+$', '', comm)
        d[comm] += t
    return d
a = snap()
out = subprocess.run(['wrk', '-t2', '-c64', '-d10s'] + extra + [url], capture_output=True, text=True).stdout
b = snap()
n = int(re.search(r'(\d+) requests in', out).group(1))
rps = re.search(r'Requests/sec:\s+([\d.]+)', out).group(1)
print(f'{n} requests, {rps} req/s')
tot = 0
for k in sorted(b, key=lambda k: -(b[k]-a.get(k,0))):
    dt = b[k]-a.get(k,0)
    tot += dt
    if dt > 0.05: print(f'  {k:28s} {dt:6.2f} s  {dt/n*1e6:7.1f} us/req')
print(f'  TOTAL {tot:.2f} s  {tot/n*1e6:.1f} us/req')
