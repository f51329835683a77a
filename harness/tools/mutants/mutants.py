#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""make mutants: how much of the decision space do the vectors pin down?

Generates mutants of model/*.c and ref/*.c (harness/tools/mutants/mutants_gen.py), plus
the hand-written ones of harness/tools/mutants/mutants.txt, builds each on a copy of the
tree and runs it:

  ref mutant     the vectors through ref must fail (kmc-run --backend ref)
  model mutant   the vectors through the model must fail, else the sweep
                 (model against ref, strided) must disagree

A mutant that does not compile is not counted.  A survivor is either
equivalent -- a reason in harness/tools/mutants/mutants-equivalent.txt whose pattern
matches its key, or a release boundary moved across no kernel profile --
or a hole in the vectors.  The report goes to results/mutants/
(docs/vectors.md "Mutants").  Exit status 0 when every survivor is
equivalent and no equivalence claim is contradicted by a kill, 1
otherwise, 64 on a usage error.
"""
import argparse
import hashlib
import os
import queue
import resource
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import mutants_gen  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..'))
EQUIV_FILE = 'harness/tools/mutants/mutants-equivalent.txt'
HAND_FILE = 'harness/tools/mutants/mutants.txt'
# an equivalence entry whose reason starts so is code outside what the
# vectors and the sweep evaluate: reported apart, not as equivalent
OUT_OF_REACH = 'out of reach:'
# Share of each operator's sites that make mutants runs: a mutant is in the
# run when a hash of its key falls below the rate, so whether a site is run
# does not depend on the other sites (edits elsewhere do not reshuffle it).
RATES = {
    'negate-if': 0.2, 'negate-return': 0.2, 'drop-term': 0.14, 'cmp': 0.2,
    'return-early': 0.15, 'release': 0.2, 'mask-clear': 0.05, 'mask-set': 0.15,
    'row-drop': 0.12, 'row-dup': 0.03, 'hand': 1.0,
}
# the vector files in the order a mutant runs them (the rest after these)
VECTOR_ORDER = ['host.kmv', 'kvm.kmv', 'vcpu.kmv', 'fb.kmv', 'caps.kmv', 'immunity.kmv',
                'fms.kmv', 'mitig.kmv']
# CPU seconds, not wall time: on a loaded machine a wall clock would call a
# slow run a hang (a mutant that loops runs out of CPU time instead: killed)
BUILD_TIMEOUT = 300
RUN_TIMEOUT = 60
SWEEP_TIMEOUT = 900


def khash(key):
    return int(hashlib.sha1(key.encode()).hexdigest()[:12], 16) / float(1 << 48)


class Hand(mutants_gen.Mutant):
    """a line of harness/tools/mutants/mutants.txt: the first FROM in FILE becomes TO"""

    def __init__(self, path, text, frm, to, what):
        start = text.find(frm)
        self.ok = start >= 0
        super().__init__(path, 'hand', 'hand', max(start, 0), max(start, 0) + len(frm),
                         to, what, what, text.count('\n', 0, max(start, 0)) + 1)
        self.key = '%s:hand:%s' % (path, what)


def read_hand(tree):
    out = []
    with open(os.path.join(tree, HAND_FILE)) as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith('#'):
                continue
            parts = line.rstrip('\n').split('\t')
            if len(parts) != 4:
                sys.exit('%s:%d: want FILE<TAB>FROM<TAB>TO<TAB>WHAT' % (HAND_FILE, n))
            path, frm, to, what = parts
            with open(os.path.join(tree, path)) as g:
                h = Hand(path, g.read(), frm, to, what)
            if not h.ok:
                sys.exit('%s:%d: the pattern no longer matches %s: %s' % (HAND_FILE, n, path, frm))
            out.append(h)
    return out


def read_equiv(tree):
    """[(pattern text, compiled, reason, line)]: '*' is the only wildcard"""
    out = []
    path = os.path.join(tree, EQUIV_FILE)
    with open(path) as f:
        for n, line in enumerate(f, 1):
            if not line.strip() or line.startswith('#'):
                continue
            if '\t' not in line:
                sys.exit('%s:%d: want KEY-PATTERN<TAB>REASON' % (EQUIV_FILE, n))
            pat, reason = line.rstrip('\n').split('\t', 1)
            rx = re.compile('^' + '.*'.join(re.escape(p) for p in pat.split('*')) + '$')
            out.append((pat, rx, reason.strip(), n))
    return out


def profile_releases(kmc):
    out = subprocess.run([kmc, 'profiles'], capture_output=True, text=True, check=True).stdout
    rel = []
    for line in out.splitlines()[1:]:
        if not line.strip():
            break
        v = line.split()[1]
        rel.append(tuple(int(x) for x in v.split('.')))
    return sorted(rel)


def release_reason(m, releases):
    """a release boundary moved with no profile on either side of the move"""
    old, new = m.release
    lo, hi = min(old, new), max(old, new)
    between = [r for r in releases if lo <= r < hi]
    if between:
        return None
    return ('release boundary %s -> %s: no kernel profile lies in [%s, %s) (profiles %s), '
            'so every profile stays on its side' % (
                '.'.join(map(str, old)), '.'.join(map(str, new)),
                '.'.join(map(str, lo)), '.'.join(map(str, hi)),
                ', '.join('.'.join(map(str, r)) for r in releases)))


def run(cmd, cwd, cpu_seconds):
    """(status, output): status is the exit code, 'timeout' or 'signal N'
    (SIGXCPU: out of CPU time)"""
    def limit():
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, preexec_fn=limit,
                           timeout=cpu_seconds * 60)
    except subprocess.TimeoutExpired:
        return 'timeout', ''
    if p.returncode < 0:
        return 'signal %d' % -p.returncode, p.stdout + p.stderr
    return p.returncode, p.stdout + p.stderr


class Worker:
    """one copy of the tree, built; it rebuilds one file at a time with the
    commands make would run for it, without -g and at -O1 (a mutant needs no
    debug info, and compiles in half the time)"""

    def __init__(self, tree, args):
        self.tree, self.args = tree, args
        self.current = None     # (path, original text) of the file now mutated
        self.cmds = {}

    def build(self, path):
        if path not in self.cmds:
            st, out = run(['make', '-s', '-n', '-W', path, 'build/bin/kmc-run'], self.tree, 120)
            if st != 0:
                sys.exit('mutants: make -n -W %s failed:\n%s' % (path, out))
            lines = [re.sub(r'(?<=\s)-O2(?=\s)', '-O1', re.sub(r'(?<=\s)-g(?=\s)', '', ln))
                     for ln in out.splitlines() if ln.strip() and not ln.startswith('mkdir ')]
            self.cmds[path] = ' && '.join(lines)
        return run(['sh', '-c', self.cmds[path]], self.tree, BUILD_TIMEOUT)

    def vector_files(self):
        d = os.path.join(self.tree, 'vectors')
        # live.kmv: `host live` records, which model and ref skip
        files = sorted(f for f in os.listdir(d) if f.endswith('.kmv') and f != 'live.kmv')
        return [os.path.join('vectors', f) for f in
                sorted(files, key=lambda f: (VECTOR_ORDER.index(f) if f in VECTOR_ORDER else 99, f))]

    def restore(self):
        if self.current:
            path, text = self.current
            with open(os.path.join(self.tree, path), 'w') as f:
                f.write(text)
            self.current = None
            st, out = self.build(path)
            if st != 0:
                sys.exit('mutants: %s does not build again once restored:\n%s' % (path, out))

    def test(self, m, original):
        if self.current and self.current[0] != m.path:
            self.restore()
        self.current = (m.path, original)
        with open(os.path.join(self.tree, m.path), 'w') as f:
            f.write(m.apply(original))
        t0 = time.time()
        st, out = self.build(m.path)
        m.build_s = time.time() - t0
        if st != 0:
            m.verdict, m.how = 'nocompile', ''
            return
        kmc_run = os.path.join(self.tree, 'build/bin/kmc-run')
        backend = 'model' if m.path.startswith('model/') else 'ref'
        m.fails = ''
        # one file at a time, the broad ones first: the first file with a
        # failure kills the mutant, the rest need not run
        for vf in self.vector_files():
            st, out = run([kmc_run, '-q', '--known', 'none', '--backend', backend, vf],
                          self.tree, RUN_TIMEOUT)
            if st == 0:
                continue
            mt = re.search(r'^# Totals: .* fail:(\d+) .* error:(\d+)', out, re.M)
            m.verdict = 'killed'
            m.how = os.path.basename(vf) if st == 1 else '%s (%s)' % (os.path.basename(vf), st)
            if mt:
                m.fails = str(int(mt.group(1)) + int(mt.group(2)))
            return
        # the vectors pass: the sweep decides for a model mutant, and shows
        # for a ref mutant (--explain) where the vectors miss it
        if backend == 'ref' and not self.args.explain:
            m.verdict, m.how = 'survived', 'the vectors pass'
            return
        cmd = [kmc_run, '--sweep', '-q', '-j', '1', '--examples', '1']
        if self.args.sweep_stride > 1:
            cmd += ['--stride', str(self.args.sweep_stride)]
        st, out = run(cmd, self.tree, SWEEP_TIMEOUT)
        m.sweep = out
        seen = st != 0
        if backend == 'model' and seen:
            m.verdict, m.how = 'killed', 'sweep' if st == 1 else 'sweep (%s)' % st
        else:
            m.verdict, m.how = 'survived', ('the sweep sees it' if seen else 'the sweep does not see it')


def prepare(args, work):
    t0 = time.time()
    w0 = os.path.join(work, 'w0')
    os.mkdir(w0)
    files = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard', '-z'], cwd=ROOT,
                           capture_output=True, check=True).stdout.split(b'\0')
    files = [f for f in files if f and os.path.isfile(os.path.join(ROOT, f.decode()))]
    tar = subprocess.Popen(['tar', '-c', '--null', '-T', '-'], cwd=ROOT, stdin=subprocess.PIPE,
                           stdout=subprocess.PIPE)
    untar = subprocess.Popen(['tar', '-x', '-C', w0], stdin=tar.stdout)
    # the objects already built here, if any: make rebuilds what is stale
    for d in ('build/obj', 'build/lib', 'build/bin'):
        if os.path.isdir(os.path.join(ROOT, d)):
            files.append(d.encode())
    tar.stdin.write(b'\0'.join(files))
    tar.stdin.close()
    tar.wait()
    untar.wait()
    st, out = run(['make', '-s', '-j%d' % args.jobs, 'build/bin/kmc-run', 'build/bin/kmc'], w0, 1800)
    if st != 0:
        sys.stderr.write(out)
        sys.exit('mutants: the unmutated tree does not build')
    st, out = run(['build/bin/kmc-run', '-q', '--known', 'none', 'vectors/'], w0, RUN_TIMEOUT)
    if st != 0:
        sys.stderr.write(out[-3000:])
        sys.exit('mutants: the unmutated tree fails its vectors')
    sys.stderr.write('mutants: tree copied and built in %.0f s\n' % (time.time() - t0))
    trees = [w0]
    for i in range(1, args.jobs):
        t = os.path.join(work, 'w%d' % i)
        subprocess.run(['cp', '-a', w0, t], check=True)
        trees.append(t)
    return trees


def select(args, tree):
    sources = {}
    muts = []
    for d in ('model', 'ref'):
        for name in sorted(os.listdir(os.path.join(tree, d))):
            if name.endswith('.c'):
                path = '%s/%s' % (d, name)
                with open(os.path.join(tree, path)) as f:
                    sources[path] = f.read()
                muts.extend(mutants_gen.generate(path, sources[path]))
    generated = len(muts)
    muts.extend(read_hand(tree))
    for m in muts:
        m.h = khash(m.key)
    if args.only:
        rx = re.compile(args.only)
        chosen = [m for m in muts if rx.search(m.key)]
    elif args.all:
        chosen = list(muts)
    else:
        chosen = [m for m in muts if m.h < RATES[m.op] * args.scale]
    if args.sample:
        chosen.sort(key=lambda m: m.h)
    return sources, muts, generated, chosen


def main():
    ap = argparse.ArgumentParser(description='Mutants of model/ and ref/ against the vectors and the sweep '
                                 '(docs/vectors.md "Mutants").')
    ap.add_argument('-j', '--jobs', type=int, default=2, help='mutants built and run at once (default 2)')
    ap.add_argument('--sweep-stride', type=int, default=7,
                    help='the sweep run on a mutant the vectors miss evaluates every Nth scenario (default 7)')
    ap.add_argument('--scale', type=float, default=1.0,
                    help='multiply every operator\'s share of sites run (default 1)')
    ap.add_argument('--all', action='store_true', help='every generated site, not the share')
    ap.add_argument('--only', metavar='REGEX', help='only mutants whose key matches REGEX')
    ap.add_argument('--sample', type=int, metavar='N',
                    help='the fixed sample CI runs: the first N compiling mutants in key-hash order')
    ap.add_argument('--explain', action='store_true',
                    help='also run the sweep on a ref mutant the vectors miss, for its example scenario')
    ap.add_argument('--list', action='store_true', help='print the selected mutants\' keys and exit')
    ap.add_argument('--rejudge', action='store_true',
                    help='build nothing: apply harness/tools/mutants/mutants-equivalent.txt as it is now to the '
                    'verdicts in OUT/mutants.tsv and write the report again')
    ap.add_argument('--out', default='results/mutants', help='report directory (default results/mutants)')
    args = ap.parse_args()
    if args.jobs < 1 or args.sweep_stride < 1 or args.scale <= 0:
        ap.print_usage(sys.stderr)
        sys.exit(64)

    if args.rejudge:
        return rejudge(args)
    if args.list:
        sources, muts, generated, chosen = select(args, ROOT)
        for m in chosen:
            print('%s:%d\t%s' % (m.path, m.line, m.key))
        print('%d of %d sites (%d generated, %d hand-written)' % (
            len(chosen), len(muts), generated, len(muts) - generated), file=sys.stderr)
        return 0

    t0 = time.time()
    load0 = os.getloadavg()
    # SIGTERM unwinds like ^C: the copies of the tree are removed
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    work = tempfile.mkdtemp(prefix='kmc-mutants.')
    try:
        trees = prepare(args, work)
        sources, muts, generated, chosen = select(args, trees[0])
        equiv = read_equiv(trees[0])
        releases = profile_releases(os.path.join(trees[0], 'build/bin/kmc'))
        done = run_all(args, trees, sources, chosen)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    elapsed = time.time() - t0
    return report(args, muts, generated, done, equiv, releases, elapsed, load0)


def run_all(args, trees, sources, chosen):
    """test the chosen mutants on len(trees) workers; a worker keeps to one
    file as long as it can (one compile per mutant)"""
    by_file = {}
    for m in chosen:
        by_file.setdefault(m.path, []).append(m)
    lock = threading.Lock()
    done = []
    state = {'counted': 0, 'next': 0, 'stop': False}
    progress = sys.stderr.isatty()
    t_start = time.time()

    if args.sample:
        order = list(chosen)

        def take(w):
            with lock:
                if state['counted'] >= args.sample or state['next'] >= len(order):
                    return None
                m = order[state['next']]
                state['next'] += 1
                return m
    else:
        groups = queue.Queue()
        # the big files first, split so that both workers stay busy
        for path, ms in sorted(by_file.items(), key=lambda kv: -len(kv[1])):
            for i in range(0, len(ms), 40):
                groups.put(ms[i:i + 40])
        pending = {}

        def take(w):
            with lock:
                if not pending.get(w):
                    try:
                        pending[w] = list(groups.get_nowait())
                    except queue.Empty:
                        return None
                return pending[w].pop(0)

    def work(tree):
        w = Worker(tree, args)
        while True:
            m = None if state['stop'] else take(w)
            if m is None:
                break
            m.sweep = ''
            m.first_fail = ''
            w.test(m, sources[m.path])
            with lock:
                done.append(m)
                log.write('%s:%d\t%s\t%s\t%s\n' % (m.path, m.line, m.verdict, m.how, m.key))
                log.flush()
                if m.verdict != 'nocompile':
                    state['counted'] += 1
                if progress:
                    sys.stderr.write('\rmutants: %d/%d' % (len(done), len(chosen)))
                elif len(done) % 50 == 0:
                    sys.stderr.write('mutants: %d/%d, %.0f s\n' % (len(done), len(chosen), time.time() - t_start))
        w.restore()

    os.makedirs(os.path.join(ROOT, args.out), exist_ok=True)
    log = open(os.path.join(ROOT, args.out, 'progress.tsv'), 'w')
    threads = [threading.Thread(target=work, args=(t,), daemon=True) for t in trees]
    for t in threads:
        t.start()
    try:
        for t in threads:
            t.join()
    except BaseException:
        # ^C or SIGTERM: the workers finish the mutant they are on, then the
        # copies of the tree can go
        state['stop'] = True
        for t in threads:
            t.join()
        raise
    if progress:
        sys.stderr.write('\n')
    log.close()
    os.unlink(log.name)
    if args.sample:
        # both workers may overshoot: keep the hash order's first N counted
        done.sort(key=lambda m: m.h)
        kept, n = [], 0
        for m in done:
            if n == args.sample:
                break
            kept.append(m)
            n += m.verdict != 'nocompile'
        done = kept
    done.sort(key=lambda m: (m.path, m.line, m.key))
    return done


def rejudge(args):
    """the last run's verdicts against the equivalence entries as they are
    now (a reason written while the run ran, or after)"""
    out = os.path.join(ROOT, args.out)
    sources, muts, generated, chosen = select(args, ROOT)
    by_key = {m.key: m for m in muts}
    done = []
    with open(os.path.join(out, 'mutants.tsv')) as f:
        next(f)
        for line in f:
            where, op, verdict, how, fails, key = line.rstrip('\n').split('\t')
            m = by_key.get(key)
            if m is None:
                sys.exit('mutants: --rejudge: %s is no longer generated; run make mutants' % key)
            # m.line: the site's line in today's source (the key names the site)
            m.verdict = 'survived' if verdict in ('equivalent', 'unreached') else verdict
            m.how, m.fails, m.sweep = how, fails, ''
            done.append(m)
    with open(os.path.join(out, 'report.md')) as f:
        run_lines = '\n'.join(ln.rstrip('\n') for ln in f
                              if ln.startswith('| wall time') or ln.startswith('| conditions'))
    equiv = read_equiv(ROOT)
    releases = profile_releases(os.path.join(ROOT, 'build/bin/kmc'))
    return report(args, muts, generated, done, equiv, releases, run_lines, None)


def report(args, muts, generated, done, equiv, releases, elapsed, load0):
    used = set()
    contradicted = []
    for m in done:
        m.reason = None
        for pat, rx, reason, n in equiv:
            if rx.match(m.key):
                used.add(n)
                if m.verdict == 'killed':
                    contradicted.append((m, n))
                elif m.verdict == 'survived':
                    m.reason = reason
                break
        if m.verdict == 'survived' and m.reason is None and m.release:
            m.reason = release_reason(m, releases)
        if m.verdict == 'survived' and m.reason:
            m.verdict = 'unreached' if m.reason.startswith(OUT_OF_REACH) else 'equivalent'
    counted = [m for m in done if m.verdict != 'nocompile']
    unreached = [m for m in counted if m.verdict == 'unreached']
    killed = [m for m in counted if m.verdict == 'killed']
    survived = [m for m in counted if m.verdict == 'survived']
    equivalent = [m for m in counted if m.verdict == 'equivalent']
    nonequiv = len(killed) + len(survived)
    pct = 100.0 * len(killed) / nonequiv if nonequiv else 100.0
    stale = [(pat, n) for pat, rx, reason, n in equiv if n not in used] \
        if not (args.only or args.sample) else []
    load1 = os.getloadavg()

    def mline(m):
        return '%s:%d' % (m.path, m.line)

    lines = []
    lines.append('# Mutants of model/ and ref/ (make mutants)')
    lines.append('')
    lines.append('Generated by `harness/tools/mutants/mutants.py` (%s); docs/vectors.md "Mutants" says how.' % (
        time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())))
    lines.append('')
    sel = 'every site' if args.all else ('--only %s' % args.only if args.only else
                                         'sample of %d' % args.sample if args.sample else
                                         'the operators\' shares (`RATES`, scale %g)' % args.scale)
    lines.append('| | |')
    lines.append('|---|---|')
    lines.append('| sites found | %d generated + %d hand-written (harness/tools/mutants/mutants.txt) |' % (
        generated, len(muts) - generated))
    lines.append('| run | %d (%s) |' % (len(done), sel))
    lines.append('| did not compile (not counted) | %d |' % (len(done) - len(counted)))
    lines.append('| **counted** | **%d** (model %d, ref %d) |' % (
        len(counted), sum(m.path.startswith('model/') for m in counted),
        sum(m.path.startswith('ref/') for m in counted)))
    lines.append('| killed | %d (by the vectors %d, by the sweep only %d) |' % (
        len(killed), sum(not m.how.startswith('sweep') for m in killed),
        sum(m.how.startswith('sweep') for m in killed)))
    lines.append('| equivalent | %d |' % len(equivalent))
    lines.append('| out of reach (code the vectors and the sweep do not run) | %d |' % len(unreached))
    lines.append('| survived | %d |' % len(survived))
    lines.append('| **killed of the rest (not equivalent, in reach)** | **%d of %d, %.1f%%** |' % (len(killed), nonequiv, pct))
    if isinstance(elapsed, str):    # --rejudge: the run's own lines
        lines.extend(elapsed.splitlines())
    else:
        lines.append('| wall time | %.0f s (%.1f min), -j %d, sweep stride %d |' % (
            elapsed, elapsed / 60, args.jobs, args.sweep_stride))
        lines.append('| conditions | nice %d, %d CPUs, load average %.2f at the start, %.2f at the end |' % (
            os.nice(0), os.cpu_count(), load0[0], load1[0]))
    lines.append('')
    lines.append('## By operator')
    lines.append('')
    lines.append('| operator | counted | killed | equivalent | out of reach | survived | not compiled |')
    lines.append('|---|---:|---:|---:|---:|---:|---:|')
    for op in sorted({m.op for m in done}):
        ms = [m for m in done if m.op == op]
        lines.append('| %s | %d | %d | %d | %d | %d | %d |' % (
            op, sum(m.verdict != 'nocompile' for m in ms), sum(m.verdict == 'killed' for m in ms),
            sum(m.verdict == 'equivalent' for m in ms), sum(m.verdict == 'unreached' for m in ms),
            sum(m.verdict == 'survived' for m in ms),
            sum(m.verdict == 'nocompile' for m in ms)))
    lines.append('')
    def section(title, ms, item):
        lines.extend(['## ' + title, ''] + ([item(m) for m in ms] or ['None.']))

    section('Survivors', survived,
            lambda m: '* `%s` %s: `%s` (%s)' % (mline(m), m.op, m.key, m.how))
    lines.append('')
    section('Equivalent', equivalent, lambda m: '* `%s` `%s`: %s' % (mline(m), m.key, m.reason))
    lines.append('')
    section('Out of reach', unreached, lambda m: '* `%s` `%s`: %s' % (mline(m), m.key, m.reason))
    if contradicted:
        lines.append('')
        lines.append('## Equivalence claims a kill contradicts')
        lines.append('')
        for m, n in contradicted:
            lines.append('* %s:%d claims `%s` (`%s`) equivalent, but %s kills it' % (
                EQUIV_FILE, n, m.key, mline(m), m.how))
    if stale:
        lines.append('')
        lines.append('## Equivalence entries that matched no mutant run')
        lines.append('')
        for pat, n in stale:
            lines.append('* %s:%d `%s`' % (EQUIV_FILE, n, pat))
    text = '\n'.join(lines) + '\n'

    os.makedirs(os.path.join(ROOT, args.out), exist_ok=True)
    with open(os.path.join(ROOT, args.out, 'report.md'), 'w') as f:
        f.write(text)
    with open(os.path.join(ROOT, args.out, 'mutants.tsv'), 'w') as f:
        f.write('file:line\top\tverdict\thow\tfailing vectors\tkey\n')
        for m in done:
            f.write('%s\t%s\t%s\t%s\t%s\t%s\n' % (mline(m), m.op, m.verdict,
                                                 getattr(m, 'how', ''), getattr(m, 'fails', ''), m.key))
    with open(os.path.join(ROOT, args.out, 'survivors.txt'), 'w') as f:
        for m in survived:
            f.write('== %s %s\n%s\n' % (mline(m), m.key, m.sweep))
    for m in survived:
        print('SURVIVED %s %s (%s)' % (mline(m), m.key, m.how))
    for m, n in contradicted:
        print('CONTRADICTED %s:%d: %s is killed (%s)' % (EQUIV_FILE, n, m.key, m.how))
    print('mutants: %d counted (%d did not compile), %d killed, %d equivalent, %d out of reach, '
          '%d survived: %d of %d non-equivalent killed (%.1f%%)%s; report in %s/report.md' % (
              len(counted), len(done) - len(counted), len(killed), len(equivalent), len(unreached),
              len(survived),
              len(killed), nonequiv, pct,
              # --rejudge passes the run's own report lines instead of a time
              '' if isinstance(elapsed, str) else ', %.0f s' % elapsed, args.out))
    return 1 if survived or contradicted else 0


if __name__ == '__main__':
    sys.exit(main())
