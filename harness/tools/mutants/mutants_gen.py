# SPDX-License-Identifier: GPL-2.0
"""Mutation sites of model/ and ref/, found in the source at run time.

Each mutant is one small edit of one file (harness/tools/mutants/mutants.py builds and
runs it).  Its key -- FILE:SCOPE:OP:BEFORE => AFTER, SCOPE the function or
table, BEFORE/AFTER the text of the smallest piece of code it changes --
names it without a line number, so harness/tools/mutants/mutants-equivalent.txt keeps
fitting when lines move.  Operators (docs/vectors.md "Mutants"):

  negate-if      if (C)          -> if (!(C))
  negate-return  return C;       -> return !(C);   (functions returning bool)
  drop-term      A && B && C     -> A && C         (also ||; one term at a time)
  cmp            < <= > >= == != -> <= < >= > != ==
  release        a release boundary one version later or earlier
  mask-clear     a table row's A | B | C -> A | C  (also |-masks in code)
  mask-set       a table row's mask gains one bit the table uses elsewhere
  row-drop       a table row removed
  row-dup        a table row written twice
  return-early   return (void, false, true, 0) first thing in a function
"""
import re

TOKEN = re.compile(r"""
    (?P<id>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<num>0[xX][0-9A-Fa-f]+[uUlL]*|[0-9]+[uUlL]*)
  | (?P<op><<=|>>=|->|\+\+|--|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^!~<>=?:;,.(){}\[\]]|[+\-*/%&|^]=)
""", re.X)
ASSIGN = {'=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>='}
CMP_SWAP = {'<': '<=', '<=': '<', '>': '>=', '>=': '>', '==': '!=', '!=': '=='}
INT_TYPES = {'int', 'unsigned', 'long', 'short', 'char', 'size_t', 'enum',
             'int8_t', 'int16_t', 'int32_t', 'int64_t', 'uint8_t', 'uint16_t',
             'uint32_t', 'uint64_t'}


def mask_source(text):
    """Comments, string and character literals and preprocessor lines
    blanked (same length, newlines kept): what is left is C tokens."""
    out = list(text)
    i, n = 0, len(text)
    line_start = True
    while i < n:
        c = text[i]
        if line_start and c == '#':
            j = i
            while j < n and text[j] != '\n':
                j += 2 if text[j] == '\\' and j + 1 < n else 1
            for k in range(i, min(j, n)):
                if out[k] != '\n':
                    out[k] = ' '
            i = j
            continue
        if c == '\n':
            line_start = True
            i += 1
            continue
        if not c.isspace():
            line_start = False
        if text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
        elif text.startswith('/*', i):
            j = text.find('*/', i + 2) + 2
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == '\\' else 1
            j += 1
            # keep the quotes: a literal stays one token-like blob
            for k in range(i + 1, j - 1):
                if out[k] != '\n':
                    out[k] = 'x' if c == '"' else '0'
            i = j
            continue
        else:
            i += 1
            continue
        for k in range(i, j):
            if out[k] != '\n':
                out[k] = ' '
        i = j
    return ''.join(out)


class Tok:
    __slots__ = ('s', 'e', 't')

    def __init__(self, s, e, t):
        self.s, self.e, self.t = s, e, t


def tokenize(masked):
    toks = []
    i, n = 0, len(masked)
    while i < n:
        c = masked[i]
        if c.isspace():
            i += 1
            continue
        if c in '"\'':
            j = masked.index(c, i + 1) + 1
            toks.append(Tok(i, j, masked[i:j]))
            i = j
            continue
        m = TOKEN.match(masked, i)
        if not m:
            toks.append(Tok(i, i + 1, c))
            i += 1
            continue
        toks.append(Tok(i, m.end(), m.group(0)))
        i = m.end()
    return toks


def match_brackets(toks):
    pair, stack = {}, []
    for i, t in enumerate(toks):
        if t.t in '({[':
            stack.append(i)
        elif t.t in ')}]':
            j = stack.pop()
            pair[i], pair[j] = j, i
    return pair


class Mutant:
    def __init__(self, path, scope, op, start, end, new, before, after, line,
                 release=None):
        self.path, self.scope, self.op = path, scope, op
        self.start, self.end, self.new = start, end, new
        self.line = line
        self.key = '%s:%s:%s:%s => %s' % (path, scope, op, norm(before), norm(after))
        self.release = release  # (old, new) version triples, for release mutants

    def apply(self, text):
        return text[:self.start] + self.new + text[self.end:]


def norm(s):
    s = re.sub(r'/\*.*?\*/', ' ', s, flags=re.S)
    s = re.sub(r'//[^\n]*', ' ', s)
    return re.sub(r'\s+', ' ', s).strip()


def mask_macros(text):
    """{NAME: the terms it stands for} for each #define NAME (A | B | ...),
    macros in the body expanded: a row that names the macro has those bits"""
    raw = {}
    for m in re.finditer(r'^#define\s+([A-Z][A-Z0-9_]*)[ \t]+((?:[^\n\\]|\\\n)*)', text, re.M):
        body = norm(m.group(2).replace('\\\n', ' '))
        if body.startswith('(') and body.endswith(')'):
            body = body[1:-1]
        terms = [t.strip() for t in body.split('|')]
        if len(terms) > 1:
            raw[m.group(1)] = terms

    def expand(name, seen):
        out = set()
        for t in raw[name]:
            out.add(t)
            if t in raw and t not in seen:
                out |= expand(t, seen | {t})
        return out
    return {n: expand(n, {n}) for n in raw}


class File:
    def __init__(self, path, text):
        self.path, self.text = path, text
        self.masked = mask_source(text)
        self.toks = tokenize(self.masked)
        self.pair = match_brackets(self.toks)
        self.macros = mask_macros(text)
        self.out = []

    def line(self, off):
        return self.text.count('\n', 0, off) + 1

    def src(self, a, b):
        """source text of tokens a..b inclusive"""
        return self.text[self.toks[a].s:self.toks[b].e]

    def add(self, scope, op, start, end, new, before=None, after=None, release=None):
        old = self.text[start:end]
        if old == new:
            return
        self.out.append(Mutant(self.path, scope, op, start, end, new,
                               old if before is None else before,
                               new if after is None else after,
                               self.line(start), release))

    # ---- top level: functions and initialised tables ----
    def scan(self):
        toks, pair = self.toks, self.pair
        i, n = 0, len(toks)
        item_start = 0
        while i < n:
            t = toks[i].t
            if t == ';':
                item_start = i + 1
            elif t == '{':
                end = pair[i]
                prev = toks[i - 1].t if i else ''
                if prev == ')':
                    name_i = pair[i - 1] - 1
                    self.function(toks[name_i].t, item_start, name_i, i, end)
                elif prev == '=':
                    j = i - 2
                    while j > item_start and toks[j].t == ']':
                        j = pair[j] - 1
                    self.table(toks[j].t, i, end)
                i = end + 1
                item_start = i
                continue
            elif t == '(' and i in pair:
                i = pair[i]
            i += 1
        return self.out

    # ---- functions ----
    def function(self, name, type_a, name_i, lb, rb):
        toks = self.toks
        rtype = [t.t for t in toks[type_a:name_i]]
        self.return_early(name, rtype, lb)
        is_bool = 'bool' in rtype and '*' not in rtype
        for_headers = set()
        k = lb + 1
        while k < rb:
            t = toks[k].t
            if t == 'for':
                a, b = k + 1, self.pair[k + 1]
                for_headers.update(range(a, b + 1))
            k += 1
        for k in range(lb + 1, rb):
            t = toks[k].t
            if t == 'if' and toks[k + 1].t == '(':
                a, b = k + 1, self.pair[k + 1]
                cond = self.src(a + 1, b - 1)
                self.add(name, 'negate-if', toks[a + 1].s, toks[b - 1].e,
                         '!(' + cond + ')', 'if (%s)' % cond, 'if (!(%s))' % cond)
            elif t == 'return' and is_bool and toks[k + 1].t != ';':
                e = self.stmt_end(k + 1)
                expr = self.src(k + 1, e - 1)
                self.add(name, 'negate-return', toks[k + 1].s, toks[e - 1].e,
                         '!(' + expr + ')', 'return %s' % expr, 'return !(%s)' % expr)
            elif t in CMP_SWAP and k not in for_headers:
                a, b = self.piece_around(k, lb, rb)
                new = CMP_SWAP[t]
                before = self.src(a, b)
                after = self.text[toks[a].s:toks[k].s] + new + self.text[toks[k].e:toks[b].e]
                self.add(name, 'cmp', toks[k].s, toks[k].e, new, before, after)
        for a, b in self.regions(lb, rb):
            self.logic(name, a, b)
            self.mask_terms(name, a, b, 'mask-clear')
        self.releases(name, lb, rb)

    def stmt_end(self, k):
        """the ';' (or unmatched closing bracket) ending the expression at k"""
        while self.toks[k].t not in (';', ')', ']', '}'):
            if self.toks[k].t in '([{':
                k = self.pair[k]
            k += 1
        return k

    def piece_around(self, k, lb, rb):
        """the comma/paren/statement-delimited piece around token k"""
        toks, pair = self.toks, self.pair
        a = k
        while a - 1 > lb:
            t = toks[a - 1].t
            if t in (')', ']', '}') and a - 1 in pair:
                a = pair[a - 1]
                continue
            if t in ('(', '[', '{', ';', ',', '?', ':', 'return') or t in ASSIGN or \
                    t in ('&&', '||'):
                break
            a -= 1
        b = k
        while b + 1 < rb:
            t = toks[b + 1].t
            if t in ('(', '[', '{') and b + 1 in pair:
                b = pair[b + 1]
                continue
            if t in (')', ']', '}', ';', ',', '?', ':') or t in ASSIGN or t in ('&&', '||'):
                break
            b += 1
        return a, b

    def regions(self, lb, rb):
        """token ranges [a, b] of expressions: paren contents split at
        top-level commas, return values, right-hand sides"""
        toks, pair = self.toks, self.pair
        out = []
        for k in range(lb + 1, rb):
            t = toks[k].t
            if t == '(' and toks[k - 1].t != 'for':
                out.extend(self.split(k + 1, pair[k] - 1, ','))
            elif t == 'return' or t in ASSIGN:
                e = self.stmt_end(k + 1)
                if e - 1 >= k + 1:
                    out.extend(self.split(k + 1, e - 1, ','))
        return out

    def split(self, a, b, sep):
        """ranges of a..b between top-level @sep tokens"""
        parts, s, k = [], a, a
        while k <= b:
            t = self.toks[k].t
            if t in '([{':
                k = self.pair[k]
            elif t == sep:
                parts.append((s, k - 1))
                s = k + 1
            k += 1
        parts.append((s, b))
        return [(x, y) for x, y in parts if x <= y]

    def top(self, a, b):
        k, out = a, []
        while k <= b:
            out.append(k)
            if self.toks[k].t in '([{':
                k = self.pair[k]
            k += 1
        return out

    def logic(self, scope, a, b):
        toks = self.toks
        tops = [toks[k].t for k in self.top(a, b)]
        if any(t in ('?', ':') or t in ASSIGN for t in tops):
            return
        for op, ranges in (('||', [(a, b)]), ('&&', self.split(a, b, '||'))):
            for x, y in ranges:
                terms = self.split(x, y, op)
                if len(terms) < 2:
                    continue
                whole = self.src(x, y)
                for i in range(len(terms)):
                    rest = (' %s ' % op).join(self.src(p, q) for j, (p, q) in enumerate(terms) if j != i)
                    self.add(scope, 'drop-term', toks[x].s, toks[y].e, rest, whole, rest)

    # ---- masks ----
    @staticmethod
    def constant(term):
        return re.match(r'^[A-Z][A-Z0-9_]*(\([A-Za-z0-9_]+\))?$', term) is not None

    def in_row(self, row, start, end, new):
        """(before, after) for a key: the whole table row, before and after"""
        if row is None:
            return None, None
        rs, re_ = self.toks[row[0]].s, self.toks[row[1]].e
        return self.text[rs:re_], self.text[rs:start] + new + self.text[end:re_]

    def mask_terms(self, scope, a, b, op, row=None):
        """A | B | C of constants: each term dropped (the key names the table
        row when there is one: the same mask may stand in several rows)"""
        toks = self.toks
        if any(toks[k].t in ASSIGN or toks[k].t in ('&&', '||', '?', ',') for k in self.top(a, b)):
            return []
        terms = self.split(a, b, '|')
        texts = [norm(self.src(p, q)) for p, q in terms]
        if len(terms) < 2 or not all(self.constant(t) for t in texts):
            return texts if len(terms) == 1 and self.constant(texts[0]) else []
        whole = self.src(a, b)
        for i in range(len(terms)):
            rest = ' | '.join(self.src(p, q) for j, (p, q) in enumerate(terms) if j != i)
            before, after = self.in_row(row, toks[a].s, toks[b].e, rest)
            self.add(scope, op, toks[a].s, toks[b].e, rest, before or whole, after or rest)
        return texts

    # ---- tables ----
    def table(self, name, lb, rb):
        toks = self.toks
        rows = self.split(lb + 1, rb - 1, ',')
        masks = []   # (row index, (row head, column), a, b, terms)
        for ri, (a, b) in enumerate(rows):
            row = norm(self.src(a, b))
            if re.search(r'\bNULL\b', row) or re.fullmatch(r'[{}\s0,]*', row):
                continue    # a sentinel row
            if len(rows) > 1:
                end = toks[b].e
                if b + 1 < len(toks) and toks[b + 1].t == ',':
                    end = toks[b + 1].e
                self.add(name, 'row-drop', toks[a].s, end, '', row, '(none)')
                self.add(name, 'row-dup', toks[a].s, toks[a].s,
                         self.src(a, b) + ',\n\t', row, row + ', ' + row)
            # the row's fields: inside { } or a macro call's ( )
            if toks[a].t == '{':
                head, inner = '{}', a + 1
            elif a + 1 <= b and toks[a + 1].t == '(':
                head, inner = toks[a].t, a + 2
            else:
                continue
            fields = self.split(inner, self.pair[inner - 1] - 1, ',')
            for col, (p, q) in enumerate(fields):
                if toks[p].t == '{':
                    continue
                terms = self.mask_terms(name, p, q, 'mask-clear', row=(a, b))
                if len(terms) == 1:
                    if not self.is_mask_name(terms[0]):
                        continue
                    before, after = self.in_row((a, b), toks[p].s, toks[q].e, '0')
                    self.add(name, 'mask-clear', toks[p].s, toks[q].e, '0', before, after)
                if terms:
                    masks.append((ri, (a, b), (head, col), p, q, terms))
        vocab = {}
        for _, _, col, _, _, ts in masks:
            vocab.setdefault(col, set()).update(ts)
        for ri, row, col, p, q, terms in masks:
            # a bit the row has through a macro (INTEL_CORE_BASE) is no new bit
            has = set(terms).union(*(self.macros.get(t, ()) for t in terms))
            absent = sorted(v for v in vocab[col] if v not in has)
            if not absent:
                continue
            add = absent[ri % len(absent)]
            whole = self.src(p, q)
            before, after = self.in_row(row, toks[p].s, toks[q].e, whole + ' | ' + add)
            self.add(name, 'mask-set', toks[p].s, toks[q].e, whole + ' | ' + add, before, after)
        self.releases(name, lb, rb)

    def is_mask_name(self, t):
        return re.search(r'\|\s*%s\b|\b%s\s*\|' % (re.escape(t), re.escape(t)), self.masked) is not None

    # ---- releases ----
    def releases(self, scope, lb, rb):
        """KV(a, b, c) boundaries (a release at or after which something
        holds) and since()'s stable sublevels, one version either way"""
        toks = self.toks
        for k in range(lb + 1, rb):
            if toks[k].t != 'KV' or toks[k + 1].t != '(':
                continue
            args = self.split(k + 2, self.pair[k + 1] - 1, ',')
            vals = [self.src(p, q) for p, q in args]
            if len(vals) != 3 or not all(v.isdigit() for v in vals):
                continue
            prev = toks[k - 1].t
            in_since = prev == ',' and toks[k - 2].t == 'kv' and toks[k - 3].t == '(' and toks[k - 4].t == 'since'
            if not (prev in ('>=', '<', '>', '<=') or in_since or toks[k - 1].t in (',', '{') and scope != 'profiles'):
                continue
            a, b, c = map(int, vals)
            old = (a, b, c)
            cands = [(a, b, c + 1), (a, b, c - 1)] if c else [(a, b + 1, 0), (a, b - 1, 0)]
            for new in cands:
                if min(new) < 0:
                    continue
                text = 'KV(%d, %d, %d)' % new
                self.add(scope, 'release', toks[k].s, toks[self.pair[k + 1]].e, text,
                         'KV(%d, %d, %d)' % old, text, release=(old, new))
            if in_since:
                # since(kv, KV(..), s61, s612): first 6.1.y / 6.12.y with it
                end = self.pair[k - 3]
                rest = self.split(self.pair[k + 1] + 2, end - 1, ',')
                for (p, q), line in zip(rest, ((6, 1), (6, 12))):
                    v = self.src(p, q)
                    if not v.isdigit() or int(v) == 0:
                        continue
                    for nv in (int(v) + 1, int(v) - 1):
                        if nv < 1:
                            continue
                        self.add(scope, 'release', toks[p].s, toks[q].e, str(nv),
                                 'since %s: %d.%d.%s' % (self.src(k, self.pair[k + 1]), line[0], line[1], v),
                                 'since %s: %d.%d.%d' % (self.src(k, self.pair[k + 1]), line[0], line[1], nv),
                                 release=(line + (int(v),), line + (nv,)))

    # ---- return early ----
    def return_early(self, name, rtype, lb):
        if name == 'main' or '*' in rtype or 'struct' in rtype:
            return
        if 'void' in rtype:
            vals = ['']
        elif 'bool' in rtype:
            vals = ['false', 'true']
        elif any(t in INT_TYPES for t in rtype):
            vals = ['0']
        else:
            return
        pos = self.toks[lb].e
        for v in vals:
            stmt = ' return%s;' % (' ' + v if v else '')
            self.add(name, 'return-early', pos, pos, stmt, '{', '{' + stmt)


def generate(path, text):
    """all mutants of one file, in source order, keys made unique"""
    muts = File(path, text).scan()
    muts.sort(key=lambda m: (m.start, m.end, m.key))
    seen = {}
    for m in muts:
        n = seen.get(m.key, 0) + 1
        seen[m.key] = n
        if n > 1:
            m.key += ' #%d' % n
    return muts
