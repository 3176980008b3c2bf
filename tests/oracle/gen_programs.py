#!/usr/bin/env python3
"""Seeded generator of valid, deterministic, terminating MicroPython/Python programs.

Used by the randomized differential test (differential.mjs): each program is compiled by mpyseal and the .mpy
must print exactly what the source prints in the WebAssembly MicroPython. Programs print their results; they
cover literals of every kind, every operator, chained comparisons, and/or/not, conditional expressions, walrus,
assignments (tuple/star unpacking, chained, augmented), if/elif/else, while and for loops with
break/continue/else, try/except/else/finally with raise, functions (defaults, *args, **kwargs, keyword-only),
closures (nonlocal, global), lambdas, comprehensions, generators (yield from, send), classes (inheritance,
super, properties, classmethod/staticmethod, special methods), with-statements, f-strings and formatting.

What differs between implementations is avoided: dict/set iteration order (printed through sorted()), id(),
exception messages (only type names and our own args are printed), float text (floats are printed through
'%.6g' % x, or repr() only for short exact constants), str methods MicroPython lacks, isinstance(bool, int),
and repr() of non-ASCII text. Nested f-strings are avoided (MicroPython 1.27 miscompiles them).

    gen_programs.py --seed 1 --count 300 --out DIR     # writes DIR/g1_0000.py ... (file names: g<seed>_<index>)
    gen_programs.py --seed 1 --index 17                # prints one program
    gen_programs.py --seed 1 --count 50 --check-cpython   # runs them in python3 (they must not raise)
"""
import argparse
import os
import random
import subprocess
import sys

TYPES = ('int', 'float', 'str', 'bool', 'list', 'tuple', 'dict')
WORDS = ('alpha', 'beta', 'gamma', 'delta', 'node', 'temp', 'sensor', 'ok', 'x', 'ab', 'cab', 'data', 'q')


class Scope:
    """Names visible at a point of the program, by type."""

    def __init__(self, parent=None, function=False):
        self.names = {t: list(parent.names[t]) if parent else [] for t in TYPES}
        # names that may be assigned here: in a function body only its own locals (the globals stay readable)
        self.assignable = set() if function or not parent else set(parent.assignable)

    def add(self, name, typ):
        if name not in self.names[typ]:
            self.names[typ].append(name)
        self.assignable.add(name)

    def child(self):
        return Scope(self)

    def function(self):
        return Scope(self, function=True)

    def targets(self, typ):
        return [n for n in self.names[typ] if n in self.assignable]


class Gen:
    def __init__(self, seed, index):
        self.r = random.Random(seed * 1000003 + index)
        self.seed = seed
        self.index = index
        self.lines = []
        self.level = 0
        self.counter = 0

    # ---------------------------------------------------------------------------------------------------
    # output helpers

    def emit(self, line=''):
        self.lines.append('    ' * self.level + line if line else '')

    def indent(self):
        self.level += 1

    def dedent(self):
        self.level -= 1

    def fresh(self, stem):
        self.counter += 1
        return '%s%d' % (stem, self.counter)

    def chance(self, p):
        return self.r.random() < p

    def pick(self, seq):
        return self.r.choice(seq)

    def small(self, lo=0, hi=9):
        return self.r.randint(lo, hi)

    # ---------------------------------------------------------------------------------------------------
    # literals

    def int_lit(self):
        k = self.r.random()
        if k < 0.45:
            return str(self.small(0, 20))
        if k < 0.6:
            return str(self.r.randint(21, 100000))
        if k < 0.68:
            return hex(self.r.randint(0, 0xFFFF))
        if k < 0.74:
            return '0b' + format(self.r.randint(0, 255), 'b')
        if k < 0.79:
            return '0o' + format(self.r.randint(0, 4095), 'o')
        if k < 0.85:
            return '{:_}'.format(self.r.randint(1000, 10 ** 7))
        if k < 0.92:
            return str(self.pick((2 ** 30 - 1, 2 ** 30, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 62, 2 ** 63 - 1,
                                  2 ** 63, 2 ** 64 + 1, 10 ** 20 + 7, 123456789012345678901234567890)))
        return str(self.r.randint(-50, -1)) if self.chance(0.5) else '(%d)' % self.r.randint(-9, -1)

    def float_lit(self):
        return self.pick(('0.5', '1.25', '2.0', '3.75', '1e2', '2.5e-1', '.5', '10.', '1_000.5', '0.125',
                          '6.0', '7.5', '100.25', '1e-3', '4e1'))

    def str_lit(self):
        k = self.r.random()
        if k < 0.55:
            s = self.pick(WORDS)
            if self.chance(0.3):
                s += ' ' + self.pick(WORDS)
            q = self.pick(("'", '"'))
            return q + s + q
        return self.pick(("'a\\tb'", '"it\'s"', "'x\\\\y'", "'\\x41\\x42c'", "'line\\nbreak'", "''",
                          "'''tri'ple'''", "'a' 'b' \"c\"", "r'raw\\d'", "'  pad  '", "'1,2,3'", "'42'",
                          "'q\"uote'", "'\\u0041'"))

    # ---------------------------------------------------------------------------------------------------
    # expressions: expr(type, depth, scope) returns source text of a pure expression of that type

    def expr(self, typ, d, sc):
        return getattr(self, 'e_' + typ)(d, sc)

    def var_or(self, typ, sc, fallback):
        if sc.names[typ] and self.chance(0.5):
            return self.pick(sc.names[typ])
        return fallback()

    def e_int(self, d, sc):
        if d <= 0 or self.chance(0.25):
            return self.var_or('int', sc, self.int_lit)
        e = lambda t='int': self.expr(t, d - 1, sc)  # noqa: E731
        k = self.r.randint(0, 24)
        if k <= 4:
            op = self.pick(('+', '-', '*', '+', '-', '&', '|', '^'))
            return '(%s %s %s)' % (e(), op, e())
        if k == 5:
            return '(%s // (%s or 3))' % (e(), e())
        if k == 6:
            return '(%s %% (%s or 7))' % (e(), e())
        if k == 7:
            return '(%s %s %d)' % (e(), self.pick(('<<', '>>')), self.small(0, 12))
        if k == 8:
            base = self.var_or('int', sc, self.int_lit)
            return '(%s ** %d)' % (base, self.small(0, 3))
        if k == 9:
            return '%s%s' % (self.pick(('-', '+', '~', '- -')), self.var_or('int', sc, lambda: '(%s)' % e()))
        if k == 10:
            return 'len(%s)' % e(self.pick(('str', 'list', 'tuple', 'dict')))
        if k == 11:
            return '%s(%s, %s)' % (self.pick(('min', 'max')), e(), e())
        if k == 12:
            return 'abs(%s)' % e()
        if k == 13:
            return 'sum(%s)' % e('list')
        if k == 14:
            lst = e('list')
            return '(%s + [7])[%s %% (len(%s) + 1)]' % (lst, e(), lst)
        if k == 15:
            t = e('tuple')
            return '(%s + (5,))[%d]' % (t, self.small(-1, 0))
        if k == 16:
            return '(%s if %s else %s)' % (e(), e('bool'), e())
        if k == 17:
            return 'ord((%s + "z")[0])' % e('str')
        if k == 18:
            return '(%s).get(%s, %s)' % (e('dict'), self.str_lit(), e())
        if k == 19:
            return '(%s).find(%s)' % (e('str'), self.pick(("'a'", "'t'", "'ab'", "''")))
        if k == 20:
            return 'int(%s)' % self.pick(('str(%s)' % e(), "'%d'" % self.small(0, 999), "'  12 '", "'-7'",
                                          "'ff', 16", "'0x1f', 0", "'101', 2", self.float_lit()))
        if k == 21:
            return '(%s %s %s)' % (e(), self.pick(('and', 'or')), e())
        if k == 22:
            return 'divmod(%s, %s or 4)[%d]' % (e(), e(), self.small(0, 1))
        if k == 23:
            return '(%s).count(%s)' % (e('list'), e())
        return 'round(%s)' % self.var_or('float', sc, self.float_lit)

    def e_bool(self, d, sc):
        if d <= 0 or self.chance(0.15):
            return self.var_or('bool', sc, lambda: self.pick(('True', 'False', '(1 < 2)', 'not 0')))
        e = lambda t='int': self.expr(t, d - 1, sc)  # noqa: E731
        k = self.r.randint(0, 12)
        if k <= 2:
            t = self.pick(('int', 'int', 'float', 'str'))
            ops = ('<', '<=', '>', '>=', '==', '!=')
            n = self.pick((2, 2, 3, 4))
            parts = [e(t)]
            for _ in range(n - 1):
                parts.append(self.pick(ops))
                parts.append(e(t))
            return '(%s)' % ' '.join(parts)
        if k == 3:
            return '(not %s)' % e('bool')
        if k == 4:
            return '(%s %s %s)' % (e('bool'), self.pick(('and', 'or')), e('bool'))
        if k == 5:
            return '(%s %s %s)' % (e(), self.pick(('in', 'not in')), e('list'))
        if k == 6:
            return '(%s in %s)' % (self.pick(("'a'", "'ta'", "'x'", "''")), e('str'))
        if k == 7:
            return '(%s in %s)' % (self.str_lit(), e('dict'))
        if k == 8:
            return 'bool(%s)' % e(self.pick(('int', 'str', 'list', 'float')))
        if k == 9:
            return '%s(%s for v in %s)' % (self.pick(('any', 'all')), self.cond_on('v', d - 1, sc), e('list'))
        if k == 10:
            return '(%s).%s(%s)' % (e('str'), self.pick(('startswith', 'endswith')), self.pick(("'a'", "'x'", "''")))
        if k == 11:
            return '(%s %s %s)' % (e('tuple'), self.pick(('<', '==', '>=')), e('tuple'))
        return 'isinstance(%s, %s)' % (e(self.pick(('int', 'str', 'list'))), self.pick(('int', 'str', 'list', 'tuple')))

    def cond_on(self, v, d, sc):
        """A bool expression about int variable v."""
        c = self.pick(('%s %% 2 == 0', '%s > %d', '%s < %d', '%s %% 3 != 1', '%d <= %s < %d', 'not %s & 1'))
        if c == '%s > %d' or c == '%s < %d':
            return c % (v, self.small(0, 20))
        if c == '%d <= %s < %d':
            return c % (self.small(0, 5), v, self.small(5, 30))
        return c.replace('%s', v).replace('%%', '%')

    def e_float(self, d, sc):
        if d <= 0 or self.chance(0.25):
            return self.var_or('float', sc, self.float_lit)
        e = lambda t='float': self.expr(t, d - 1, sc)  # noqa: E731
        k = self.r.randint(0, 9)
        if k <= 2:
            a, b = e(), e(self.pick(('float', 'int')))
            if self.chance(0.5):
                a, b = b, a
            return '(%s %s %s)' % (a, self.pick(('+', '-', '*')), b)
        if k == 3:
            return '(%s / (%s or 2))' % (e(self.pick(('float', 'int'))), e(self.pick(('float', 'int'))))
        if k == 4:
            return '(%s %s (%s or 1.5))' % (e(), self.pick(('//', '%')), e())
        if k == 5:
            return 'float(%s)' % self.var_or('int', sc, self.int_lit)
        if k == 6:
            return '-%s' % self.var_or('float', sc, lambda: '(%s)' % e())
        if k == 7:
            return '(%s if %s else %s)' % (e(), e('bool'), e())
        if k == 8:
            return '%s(%s, %s)' % (self.pick(('min', 'max')), e(), e())
        return '(%s ** 2)' % self.var_or('float', sc, self.float_lit)

    def e_str(self, d, sc):
        if d <= 0 or self.chance(0.25):
            return self.var_or('str', sc, self.str_lit)
        e = lambda t='str': self.expr(t, d - 1, sc)  # noqa: E731
        k = self.r.randint(0, 15)
        if k <= 1:
            return '(%s + %s)' % (e(), e())
        if k == 2:
            return '(%s * %d)' % (e(), self.small(0, 3))
        if k == 3:
            return 'str(%s)' % e(self.pick(('int', 'list', 'tuple', 'bool')))
        if k == 4:
            return '(%s).%s()' % (e(), self.pick(('upper', 'lower', 'strip', 'lstrip', 'rstrip')))
        if k == 5:
            return '(%s).replace(%s, %s)' % (e(), self.pick(("'a'", "'t'", "' '")), self.pick(("'A'", "'-'", "''")))
        if k == 6:
            i, j = self.small(-4, 4), self.small(-4, 6)
            return '(%s)[%s:%s]' % (e(), i if self.chance(0.8) else '', j if self.chance(0.8) else '')
        if k == 7:
            return '%s.join(%s)' % (self.pick(("'-'", "', '", "''", "'/'")),
                                   self.pick(('[str(v) for v in %s]' % e('list'), '(%s).split()' % e(),
                                              'sorted(%s)' % e('dict'), '(%s).split(",")' % e())))
        if k == 8:
            return self.fstring(d - 1, sc)
        if k == 9:
            return "'%%s-%%d/%%x' %% (%s, %s, %s)" % (e(), e('int'), 'abs(%s)' % e('int'))
        if k == 10:
            return "'{}:{:>4}|{!r}'.format(%s, %s, %s)" % (e(), e('int'), e('int'))
        if k == 11:
            return '(%s if %s else %s)' % (e(), e('bool'), e())
        if k == 12:
            return 'chr(65 + %s %% 26)' % e('int')
        if k == 13:
            return '%s(%s)' % (self.pick(('hex', 'bin', 'oct', 'repr')), e('int'))
        if k == 14:
            return '(%s).strip(%s)' % (e(), self.pick(("'a'", "'xa '", "'t'")))   # (center() pads differently)
        return "'%%6.3f|%%-6s|%%03d' %% (%s, %s, %s)" % (self.float_lit(), e(), self.small(0, 99))

    def fexpr(self, typ, d, sc):
        """An expression usable inside an f-string replacement field: no backslash, no quote of the f-string's
        kind, no nested f-string and no lambda (MicroPython takes a lambda's ':' for the format spec)."""
        for _ in range(20):
            src = self.expr(typ, d, sc)
            if '"' in src or "'''" in src:
                continue
            src = src.replace("'", '"')
            if '\\' in src or 'f"' in src or 'lambda' in src or '{' in src or '}' in src:
                continue
            return src
        return self.var_or(typ, sc, {'int': lambda: str(self.small()), 'str': lambda: '"s"'}.get(typ, lambda: '0'))

    def fstring(self, d, sc):
        parts = []
        for _ in range(self.r.randint(1, 3)):
            k = self.r.randint(0, 7)
            if k == 0:
                parts.append('{%s}' % self.fexpr('int', d, sc))
            elif k == 1:
                parts.append('{%s:>6}' % self.fexpr('str', d, sc))
            elif k == 2:
                parts.append('{%s:%s}' % (self.fexpr('int', d, sc), self.pick(('04d', 'x', '#x', 'b', '+d', '^7', ',', '<5'))))
            elif k == 3:
                parts.append('{%s:.3f}' % self.var_or('float', sc, self.float_lit))
            elif k == 4:
                parts.append('{%s!r}' % self.fexpr(self.pick(('int', 'list')), d, sc))
            elif k == 5:
                w = self.var_or('int', sc, lambda: str(self.small(1, 8)))
                parts.append('{%s:>{abs(%s) %% 9}}' % (self.fexpr('int', d, sc), w))
            elif k == 6:
                parts.append('{{lit}}')
            else:
                parts.append('{%s!s:<4}' % self.fexpr('str', d, sc))
            if self.chance(0.6):
                parts.append(self.pick(('=', ' ', ' | ', 'v', ': ')))
        return "f'%s'" % ''.join(parts)

    def e_list(self, d, sc):
        if d <= 0 or self.chance(0.2):
            return self.var_or('list', sc, lambda: '[%s]' % ', '.join(self.int_lit() for _ in range(self.r.randint(0, 5))))
        e = lambda t='list': self.expr(t, d - 1, sc)  # noqa: E731
        k = self.r.randint(0, 13)
        if k <= 1:
            v = self.fresh('v')
            inner = sc.child()
            inner.add(v, 'int')
            src = self.pick(('range(%d)' % self.small(0, 8), 'range(%d, %d, %d)' % (self.small(-5, 3), self.small(4, 15), self.small(1, 3)), e()))
            cond = ' if %s' % self.cond_on(v, d - 1, inner) if self.chance(0.5) else ''
            return '[%s for %s in %s%s]' % (self.expr('int', d - 1, inner), v, src, cond)
        if k == 2:
            return 'list(range(%d, %d, %d))' % (self.small(-3, 5), self.small(5, 20), self.pick((1, 2, 3, -1)))
        if k == 3:
            return 'sorted(%s%s)' % (e(), self.pick(('', ', reverse=True', ', key=lambda v: (v % 3, v)')))
        if k == 4:
            return '(%s + %s)' % (e(), e())
        if k == 5:
            return '(%s * %d)' % (e(), self.small(0, 3))
        if k == 6:
            return '(%s)[%s]' % (e(), self.pick(('1:', ':-1', '::-1', '::2', '1::2', '-3:', ':0', '-2::-1')))
        if k == 7:
            return 'list(map(lambda v: %s, %s))' % (self.pick(('v * 2', 'v - 1', '-v', 'v % 5', 'v ** 2')), e())
        if k == 8:
            return 'list(filter(lambda v: %s, %s))' % (self.cond_on('v', 0, sc), e())
        if k == 9:
            return '[len(w) for w in (%s).split()]' % self.expr('str', d - 1, sc)
        if k == 10:
            return 'list(%s)' % self.expr('tuple', d - 1, sc)
        if k == 11:
            return '[%s, %s]' % (self.expr('int', d - 1, sc), self.expr('int', d - 1, sc))
        if k == 12:
            return 'list(reversed(%s))' % e()
        return 'sorted((%s).values())' % self.expr('dict', d - 1, sc)

    def e_tuple(self, d, sc):
        if d <= 0 or self.chance(0.3):
            return self.var_or('tuple', sc, lambda: self.pick((
                '(%s,)' % self.int_lit(), '(%s, %s)' % (self.int_lit(), self.int_lit()),
                '(%s, %s, %s)' % (self.int_lit(), self.int_lit(), self.int_lit()), '()')))
        e = lambda t='tuple': self.expr(t, d - 1, sc)  # noqa: E731
        k = self.r.randint(0, 4)
        if k == 0:
            return 'tuple(%s)' % self.expr('list', d - 1, sc)
        if k == 1:
            return '(%s + %s)' % (e(), e())
        if k == 2:
            return '(%s)[%s]' % (e(), self.pick(('1:', ':2', '-2:', ':')))
        if k == 3:
            return 'divmod(%s, %s or 3)' % (self.expr('int', d - 1, sc), self.expr('int', d - 1, sc))
        return '(%s, %s)' % (self.expr('int', d - 1, sc), self.expr('int', d - 1, sc))

    def e_dict(self, d, sc):
        if d <= 0 or self.chance(0.3):
            return self.var_or('dict', sc, lambda: '{%s}' % ', '.join(
                '%r: %s' % (w, self.int_lit()) for w in self.r.sample(WORDS, self.r.randint(0, 4))))
        k = self.r.randint(0, 3)
        if k == 0:
            return '{w: len(w) for w in (%s).split()}' % self.expr('str', d - 1, sc)
        if k == 1:
            v = self.fresh('k')
            inner = sc.child()
            inner.add(v, 'int')
            return '{str(%s): %s for %s in range(%d)}' % (v, self.expr('int', d - 1, inner), v, self.small(0, 6))
        if k == 2:
            return 'dict(zip(%s, %s))' % (self.pick(("['a', 'b', 'c']", "'xyz'", "('p', 'q')")), self.expr('list', d - 1, sc))
        return 'dict(%s)' % self.expr('dict', d - 1, sc)

    # ---------------------------------------------------------------------------------------------------
    # printing

    def show(self, typ, src):
        if typ == 'float':
            return 'fr(%s)' % src
        if typ == 'dict':
            return 'sorted((%s).items())' % src
        return src

    def print_expr(self, sc, d=None, typ=None):
        typ = typ or self.pick(TYPES)
        d = self.small(1, 3) if d is None else d
        src = self.expr(typ, d, sc)
        self.emit('print(%s)' % self.show(typ, src))

    def print_many(self, sc, label=None):
        items = []
        if label:
            items.append(repr(label))
        for _ in range(self.r.randint(1, 3)):
            t = self.pick(TYPES)
            items.append(self.show(t, self.expr(t, self.small(0, 2), sc)))
        extra = self.pick(('', '', '', ", sep=' | '", ", sep=''", ", end=' ;\\n'", ", sep=',', end='.\\n'"))
        self.emit('print(%s%s)' % (', '.join(items), extra))

    # ---------------------------------------------------------------------------------------------------
    # statements

    def simple_stmts(self, sc, n, allow_growth=True):
        for _ in range(n):
            k = self.r.randint(0, 5)
            if k <= 1:
                self.print_many(sc)
            elif k == 2 and sc.targets('int'):
                v = self.pick(sc.targets('int'))
                ops = ('+=', '-=', '^=', '|=', '&=', '%=', '//=') + (('*=', '<<=') if allow_growth else ())
                op = self.pick(ops)
                rhs = self.expr('int', 1, sc)
                if op in ('%=', '//='):
                    rhs = '(%s or 5)' % rhs
                elif op == '<<=':
                    rhs = str(self.small(0, 5))
                self.emit('%s %s %s' % (v, op, rhs))
                if not allow_growth:
                    self.emit('%s %%= 100003' % v)
            elif k == 3:
                t = self.pick(TYPES)
                v = self.fresh(t[0] + 'v')
                self.emit('%s = %s' % (v, self.expr(t, self.small(0, 2), sc)))
                sc.add(v, t)
            else:
                self.print_expr(sc, self.small(0, 2))

    def blk_prelude(self, sc):
        # floats are shown as round(x * 1000): exact and identical everywhere ('%g' and repr() differ in
        # the last digit between MicroPython and CPython for some values)
        self.emit('def fr(x):')
        self.emit("    if x != x:")
        self.emit("        return 'nan'")
        self.emit("    if abs(x) > 1e15:")
        self.emit("        return 'big' if x > 0 else '-big'")
        self.emit('    return round(x * 1000)')
        self.emit('')
        for t, names in (('int', ('i0', 'i1', 'i2')), ('float', ('f0', 'f1')), ('str', ('s0', 's1')),
                         ('list', ('l0', 'l1')), ('tuple', ('t0',)), ('dict', ('d0',)), ('bool', ('b0',))):
            for n in names:
                if t == 'int':
                    src = self.int_lit()
                elif t == 'float':
                    src = self.float_lit()
                elif t == 'list':
                    src = '[%s]' % ', '.join(str(self.small(-20, 40)) for _ in range(self.r.randint(1, 6)))
                else:
                    src = self.expr(t, 1, sc)
                self.emit('%s = %s' % (n, src))
                sc.add(n, t)
        self.emit('print(i0, i1, i2, fr(f0), fr(f1), s0, s1, l0, l1, t0, sorted(d0.items()), b0)')

    def blk_exprs(self, sc):
        for _ in range(self.r.randint(3, 7)):
            self.print_expr(sc)

    def blk_assign(self, sc):
        a, b, c = self.fresh('a'), self.fresh('b'), self.fresh('c')
        self.emit('%s = %s = %s' % (a, b, self.expr('int', 2, sc)))
        self.emit('%s, %s = %s, %s' % (a, c, self.expr('int', 1, sc), self.expr('int', 1, sc)))
        self.emit('%s, %s = %s, %s' % (a, b, b, a))
        self.emit('%s, (%s, %s) = %s, (%s, %s)' % (c, a, b, self.expr('int', 1, sc), a, c))
        for n in (a, b, c):
            sc.add(n, 'int')
        self.emit('print(%s, %s, %s)' % (a, b, c))
        first, rest, last = self.fresh('first'), self.fresh('rest'), self.fresh('last')
        n = self.r.randint(2, 5)
        items = ', '.join(self.expr('int', 1, sc) for _ in range(n))
        form = self.r.randint(0, 2)
        if form == 0:
            self.emit('%s, *%s = [%s]' % (first, rest, items))
            self.emit('print(%s, %s)' % (first, rest))
        elif form == 1:
            self.emit('*%s, %s = (%s,)' % (rest, last, items))
            self.emit('print(%s, %s)' % (rest, last))
        else:
            self.emit('%s, *%s, %s = %s' % (first, rest, last, 'range(%d)' % (n + self.small(0, 3))))
            self.emit('print(%s, %s, %s)' % (first, rest, last))
        lst = self.fresh('lst')
        self.emit('%s = %s' % (lst, self.expr('list', 1, sc)))
        self.emit('%s.append(%s)' % (lst, self.expr('int', 1, sc)))
        self.emit('%s[0] = %s' % (lst, self.expr('int', 1, sc)))
        self.emit('%s[-1] += %s' % (lst, self.expr('int', 1, sc)))
        self.emit('%s[1:2] = [%s, %s]' % (lst, self.int_lit(), self.int_lit()))
        self.emit('print(%s, len(%s))' % (lst, lst))
        sc.add(lst, 'list')
        d = self.fresh('dd')
        self.emit('%s = {}' % d)
        self.emit('%s[%s] = %s' % (d, self.str_lit(), self.expr('int', 1, sc)))
        self.emit('%s[%r] = %s' % (d, 'k', self.expr('int', 1, sc)))
        self.emit('%s[%r] += 1' % (d, 'k'))
        self.emit('print(sorted(%s.items()))' % d)
        sc.add(d, 'dict')
        self.simple_stmts(sc, self.r.randint(1, 3))

    def blk_if(self, sc, depth=0):
        self.emit('if %s:' % self.expr('bool', 2, sc))
        self.indent()
        self.simple_stmts(sc.child(), self.r.randint(1, 2))
        if depth < 1 and self.chance(0.4):
            self.blk_if(sc.child(), depth + 1)
        self.dedent()
        for _ in range(self.r.randint(0, 2)):
            self.emit('elif %s:' % self.expr('bool', 2, sc))
            self.indent()
            self.simple_stmts(sc.child(), 1)
            self.dedent()
        if self.chance(0.7):
            self.emit('else:')
            self.indent()
            self.simple_stmts(sc.child(), self.r.randint(1, 2))
            self.dedent()
        x = self.fresh('x')
        self.emit('%s = %s if %s else %s' % (x, self.expr('str', 1, sc), self.expr('bool', 1, sc),
                                            self.expr('str', 1, sc) if self.chance(0.5) else
                                            '(%s if %s else %s)' % (self.str_lit(), self.expr('bool', 1, sc), self.str_lit())))
        self.emit('print(%s)' % x)
        sc.add(x, 'str')

    def loop_body(self, sc, i):
        self.simple_stmts(sc, self.r.randint(1, 2), allow_growth=False)
        if self.chance(0.5):
            self.emit('if %s:' % self.cond_on(i, 0, sc))
            self.indent()
            self.emit(self.pick(('continue', 'break', 'continue')))
            self.dedent()
        if self.chance(0.3):
            self.emit('if %s == %d:' % (i, self.small(0, 8)))
            self.indent()
            self.emit("print('break at', %s)" % i)
            self.emit('break')
            self.dedent()

    def blk_while(self, sc):
        i, acc = self.fresh('i'), self.fresh('acc')
        self.emit('%s = 0' % i)
        self.emit('%s = %s' % (acc, self.int_lit()))
        inner = sc.child()
        inner.add(i, 'int')
        inner.add(acc, 'int')
        inner.assignable.discard(i)   # the loop counter only moves forward
        self.emit('while %s < %d:' % (i, self.small(0, 9)))
        self.indent()
        self.emit('%s += 1' % i)
        self.emit('%s = (%s + %s) %% 10007' % (acc, acc, self.expr('int', 1, inner)))
        self.loop_body(inner, i)
        self.dedent()
        if self.chance(0.5):
            self.emit('else:')
            self.indent()
            self.emit("print('while done', %s)" % i)
            self.dedent()
        self.emit('print(%s, %s)' % (i, acc))
        sc.add(acc, 'int')

    def blk_for(self, sc):
        v = self.fresh('v')
        inner = sc.child()
        src_kind = self.r.randint(0, 5)
        if src_kind == 0:
            src = 'range(%d)' % self.small(0, 9)
            targets = v
            inner.add(v, 'int')
        elif src_kind == 1:
            src = self.expr('list', 2, sc)
            targets = v
            inner.add(v, 'int')
        elif src_kind == 2:
            src = self.expr('str', 1, sc)
            targets = v
            inner.add(v, 'str')
            v = 'len(%s)' % v
        elif src_kind == 3:
            j = self.fresh('j')
            src = 'enumerate(%s)' % self.expr('list', 1, sc)
            targets = '%s, %s' % (j, v)
            inner.add(v, 'int')
            inner.add(j, 'int')
        elif src_kind == 4:
            w = self.fresh('w')
            src = 'zip(%s, %s)' % (self.expr('list', 1, sc), self.expr('str', 1, sc))
            targets = '%s, %s' % (v, w)
            inner.add(v, 'int')
            inner.add(w, 'str')
        else:
            w = self.fresh('w')
            src = 'sorted(%s.items())' % self.expr('dict', 1, sc)
            targets = '%s, %s' % (w, v)
            inner.add(v, 'int')
            inner.add(w, 'str')
        total = self.fresh('total')
        self.emit('%s = 0' % total)
        inner.add(total, 'int')
        self.emit('for %s in %s:' % (targets, src))
        self.indent()
        self.emit('%s += %s' % (total, v))
        if self.chance(0.3):
            u = self.fresh('u')
            self.emit('for %s in range(%d):' % (u, self.small(0, 4)))
            self.indent()
            self.emit('if %s == %d:' % (u, self.small(0, 3)))
            self.indent()
            self.emit('break')
            self.dedent()
            self.emit('%s += %s' % (total, u))
            self.dedent()
        self.loop_body(inner, v if not v.startswith('len(') else v)
        self.dedent()
        if self.chance(0.5):
            self.emit('else:')
            self.indent()
            self.emit("print('no break', %s)" % total)
            self.dedent()
        self.emit('print(%s)' % total)
        sc.add(total, 'int')

    def blk_try(self, sc):
        exc = self.fresh('Err')
        self.emit('class %s(%s):' % (exc, self.pick(('Exception', 'ValueError', 'KeyError'))))
        self.indent()
        self.emit('pass')
        self.dedent()
        f = self.fresh('risky')
        self.emit('def %s(n):' % f)
        self.indent()
        self.emit('try:')
        self.indent()
        kinds = [
            "if n == 0:\n    raise %s('custom', n)" % exc,
            'if n == 1:\n    return 10 // (n - 1)',
            "if n == 2:\n    return {'a': 1}['b']",
            'if n == 3:\n    return [1, 2][5]',
            "if n == 4:\n    return int('nope')",
            'if n == 5:\n    raise RuntimeError(n * 2)',
            "if n == 6:\n    return 'a' + n",
            'if n == 7:\n    assert n < 0, n + 1',
        ]
        for kind in self.r.sample(kinds, self.r.randint(3, len(kinds))):
            for line in kind.split('\n'):
                self.emit(line)
        self.emit('return n * %s' % self.expr('int', 1, sc))
        self.dedent()
        handlers = [('%s' % exc, "print('custom', e.args)"),
                    ('ZeroDivisionError', "print('zero')"),
                    ('(KeyError, IndexError)', 'print(type(e).__name__)'),
                    ('ValueError', "print('value', type(e).__name__)"),
                    ('RuntimeError', 'print(\'runtime\', e.args)\nraise'),
                    ('AssertionError', "print('assert', e.args)")]
        self.r.shuffle(handlers)
        # the custom class may derive from ValueError/KeyError: keep it before its base
        handlers.sort(key=lambda h: 0 if h[0] == exc else 1)
        for typ, body in handlers:
            self.emit('except %s as e:' % typ)
            self.indent()
            for line in body.split('\n'):
                self.emit(line)
            self.dedent()
        self.emit('except Exception as e:')
        self.indent()
        self.emit("print('other', type(e).__name__)")
        self.dedent()
        if self.chance(0.5):
            self.emit('else:')
            self.indent()
            self.emit("print('no error', n)")
            self.dedent()
        self.emit('finally:')
        self.indent()
        self.emit("print('finally', n)")
        self.dedent()
        self.emit("return -1")
        self.dedent()
        self.emit('for n in range(9):')
        self.indent()
        self.emit('try:')
        self.indent()
        self.emit("print('->', %s(n))" % f)
        self.dedent()
        self.emit('except RuntimeError as e:')
        self.indent()
        self.emit("print('reraised', e.args)")
        self.dedent()
        self.dedent()
        g = self.fresh('fin')
        self.emit('def %s(x):' % g)
        self.indent()
        self.emit('for k in range(3):')
        self.indent()
        self.emit('try:')
        self.indent()
        self.emit('if k == x:')
        self.indent()
        self.emit(self.pick(('return k * 10', 'break', 'continue')))
        self.dedent()
        self.dedent()
        self.emit('finally:')
        self.indent()
        self.emit("print('cleanup', k)")
        self.dedent()
        self.dedent()
        self.emit('return -k')
        self.dedent()
        self.emit('print(%s(%d), %s(%d))' % (g, self.small(0, 3), g, self.small(0, 3)))
        self.emit('try:')
        self.indent()
        self.emit('try:')
        self.indent()
        self.emit("raise %s('inner')" % exc)
        self.dedent()
        self.emit('finally:')
        self.indent()
        self.emit("print('inner finally')")
        self.dedent()
        self.dedent()
        self.emit('except %s as e:' % exc)
        self.indent()
        self.emit("print('outer caught', e.args, isinstance(e, Exception))")
        self.dedent()

    def blk_func(self, sc):
        f = self.fresh('fn')
        body_sc = sc.function()
        a, b, c = 'a', 'b', 'c'
        form = self.r.randint(0, 3)
        if form == 0:
            sig = 'a, b=%s, *args, c=%s, **kw' % (self.int_lit(), self.int_lit())
        elif form == 1:
            sig = 'a, b, *, c, d=%s' % self.str_lit()
        elif form == 2:
            sig = 'a=%s, b=%s, c=%s' % (self.int_lit(), self.int_lit(), self.int_lit())
        else:
            sig = '*args, **kw'
        self.emit('def %s(%s):' % (f, sig))
        self.indent()
        if form == 3:
            self.emit("a = sum(args) if args else 0")
            self.emit("b = len(kw)")
            self.emit("c = kw.get('c', 7)")
        for n in (a, b, c):
            body_sc.add(n, 'int')
        self.simple_stmts(body_sc, self.r.randint(1, 3))
        extra = ''
        if form == 0:
            extra = ', args, sorted(kw.items())'
        elif form == 1:
            extra = ', d'
        elif form == 3:
            extra = ', args, sorted(kw)'
        self.emit('return (%s, %s%s)' % (self.expr('int', 2, body_sc), 'c', extra))
        self.dedent()
        calls = []
        for _ in range(self.r.randint(2, 4)):
            ai = lambda: self.expr('int', 1, sc)  # noqa: E731
            if form == 0:
                calls.append(self.pick(('%s(%s)' % (f, ai()), '%s(%s, %s, %s, %s)' % (f, ai(), ai(), ai(), ai()),
                                        '%s(%s, c=%s, z=%s)' % (f, ai(), ai(), ai()),
                                        '%s(*%s, **{"c": %s, "y": 1})' % (f, '[1, 2, 3]', ai()),
                                        '%s(b=%s, a=%s)' % (f, ai(), ai()))))
            elif form == 1:
                calls.append(self.pick(('%s(%s, %s, c=%s)' % (f, ai(), ai(), ai()),
                                        '%s(%s, c=%s, b=%s, d="kw")' % (f, ai(), ai(), ai()),
                                        '%s(*(%s, %s), **{"c": 3})' % (f, ai(), ai()))))
            elif form == 2:
                calls.append(self.pick(('%s()' % f, '%s(%s)' % (f, ai()), '%s(c=%s)' % (f, ai()),
                                        '%s(%s, c=%s)' % (f, ai(), ai()), '%s(*[%s, %s])' % (f, ai(), ai()))))
            else:
                calls.append(self.pick(('%s()' % f, '%s(%s, %s)' % (f, ai(), ai()), '%s(c=%s, x=1)' % (f, ai()),
                                        '%s(*%s, **{"c": %s})' % (f, self.expr('list', 1, sc), ai()))))
        for call in calls:
            self.emit('print(%s)' % call)
        try_call = {0: '%s()' % f, 1: '%s(1, 2)' % f, 2: '%s(1, 2, 3, 4)' % f, 3: '%s(1, c=2, c2=3)' % f}[form]
        self.emit('try:')
        self.indent()
        self.emit('print(%s)' % try_call)
        self.dedent()
        self.emit('except TypeError:')
        self.indent()
        self.emit("print('TypeError')")
        self.dedent()

    def blk_closure(self, sc):
        mk, g = self.fresh('make'), self.fresh('G')
        self.emit('%s = %s' % (g, self.int_lit()))
        self.emit('def %s(start, step=%s):' % (mk, self.small(1, 5)))
        self.indent()
        self.emit('count = start')
        self.emit('def inc(by=None):')
        self.indent()
        self.emit('nonlocal count')
        self.emit('global %s' % g)
        self.emit('count += step if by is None else by')
        self.emit('%s += 1' % g)
        self.emit('return count')
        self.dedent()
        self.emit('def peek():')
        self.indent()
        self.emit('return count * %s' % self.small(1, 4))
        self.dedent()
        self.emit('return inc, peek')
        self.dedent()
        inc, peek = self.fresh('inc'), self.fresh('peek')
        self.emit('%s, %s = %s(%s)' % (inc, peek, mk, self.expr('int', 1, sc)))
        self.emit('%s2, _ = %s(%s, %s)' % (inc, mk, self.int_lit(), self.small(1, 9)))
        for _ in range(self.r.randint(2, 4)):
            self.emit('print(%s(%s), %s(), %s2(), %s)' % (inc, self.pick(('', '', str(self.small(-3, 9)))), peek, inc, g))
        # three levels and late binding
        self.emit('def outer%s(x):' % self.counter)
        self.indent()
        self.emit('def mid(y):')
        self.indent()
        self.emit('def inner(z):')
        self.indent()
        self.emit('return x * 100 + y * 10 + z')
        self.dedent()
        self.emit('return inner')
        self.dedent()
        self.emit('return mid')
        self.dedent()
        self.emit('print(outer%s(%d)(%d)(%d))' % (self.counter, self.small(0, 9), self.small(0, 9), self.small(0, 9)))
        fs = self.fresh('fs')
        self.emit('%s = [lambda q, i=i: q + i for i in range(%d)]' % (fs, self.small(1, 4)))
        self.emit('%s2 = [lambda q: q + i for i in range(3)]' % fs)
        self.emit('print([f(10) for f in %s], [f(0) for f in %s2])' % (fs, fs))
        sc.add(g, 'int')

    def blk_lambda(self, sc):
        k = self.fresh('key')
        self.emit('%s = lambda v: %s' % (k, self.pick(('-v', '(v % 4, v)', 'abs(v - 5) * 1000 + v', 'str(v)'))))
        self.emit('print(sorted(%s, key=%s))' % (self.expr('list', 2, sc), k))
        self.emit("words = (%s + ' ' + %s).split()" % (self.expr('str', 1, sc), self.str_lit()))
        self.emit('print(sorted(set(words), key=lambda w: (len(w), w)))')
        self.emit(('print((lambda a, b=%s, *r, **kw: (a, b, r, sorted(kw)))(%s, %s))' % (
            self.int_lit(), self.expr('int', 1, sc), self.pick(('', '2, 3', 'z=1', '5, 6, k=2')))).replace(', )', ')'))
        self.emit('compose = lambda f, g: lambda x: f(g(x))')
        self.emit('print(compose(lambda x: x * 2, lambda x: x + %s)(%s))' % (self.expr('int', 1, sc), self.expr('int', 1, sc)))
        self.emit('print(max(%s, key=lambda v: (v %% 5, v)), min(%s, default=-1))' % (
            self.pick(('[3, 9, 14, 20]', '(1, 7, 12)', 'range(1, 9)')), self.expr('list', 1, sc)))

    def blk_comprehension(self, sc):
        x, y = self.fresh('x'), self.fresh('y')
        inner = sc.child()
        inner.add(x, 'int')
        inner.add(y, 'int')
        self.emit('print([(%s, %s) for %s in range(%d) for %s in range(%s) if %s])' % (
            x, y, x, self.small(1, 5), y, x, self.cond_on(y, 0, inner)))
        self.emit('print(sorted({%s %% %d for %s in %s}))' % (x, self.small(2, 6), x, self.expr('list', 2, sc)))
        only_x = sc.child()
        only_x.add(x, 'int')
        self.emit('print(sorted({%s: %s for %s in range(%d)}.items()))' % (
            '%s %% 4' % x, self.expr('int', 1, only_x), x, self.small(0, 8)))
        self.emit('print(sum(%s * %s for %s in %s if %s))' % (x, x, x, self.expr('list', 2, sc), self.cond_on(x, 0, inner)))
        self.emit('print([[%s * %s for %s in range(3)] for %s in range(%d)])' % (x, y, y, x, self.small(0, 4)))
        self.emit('gen%d = (%s for %s in range(%d))' % (self.counter, self.expr('int', 1, only_x), x, self.small(0, 6)))
        self.emit('print(list(gen%d), list(gen%d))' % (self.counter, self.counter))
        # walrus: binds in the enclosing scope
        last = self.fresh('last')
        self.emit('%s = 0' % last)
        self.emit('print([%s := %s * 2 for %s in range(%d)], %s)' % (last, x, x, self.small(1, 5), last))
        self.emit('print([y for v in %s if (y := v * 3) %% 2], sorted(set(%s)))' % (self.expr('list', 1, sc), self.expr('list', 1, sc)))
        sc.add(last, 'int')

    def blk_generator(self, sc):
        g = self.fresh('gen')
        self.emit('def %s(n):' % g)
        self.indent()
        self.emit('total = 0')
        self.emit('for k in range(n):')
        self.indent()
        self.emit('got = yield k * %s' % self.small(1, 5))
        self.emit('if got is not None:')
        self.indent()
        self.emit('total += got')
        self.dedent()
        self.dedent()
        self.emit('return total')
        self.dedent()
        self.emit('def wrap%s(n):' % g)
        self.indent()
        self.emit("yield 'start'")
        self.emit('result = yield from %s(n)' % g)
        self.emit("yield 'result=%d' % result")
        self.dedent()
        n = self.small(0, 5)
        self.emit('print(list(%s(%d)), list(wrap%s(%d)))' % (g, n, g, n))
        self.emit('it = %s(%d)' % (g, self.small(4, 7)))
        self.emit('print(next(it), it.send(%s), it.send(None), next(it))' % self.expr('int', 1, sc))
        self.emit('try:')
        self.indent()
        self.emit('while True:')
        self.indent()
        self.emit('next(it)')
        self.dedent()
        self.dedent()
        self.emit('except StopIteration as e:')
        self.indent()
        self.emit("print('stop', e.value)")
        self.dedent()
        self.emit('def fib():')
        self.indent()
        self.emit('a, b = 0, 1')
        self.emit('while True:')
        self.indent()
        self.emit('yield a')
        self.emit('a, b = b, a + b')
        self.dedent()
        self.dedent()
        self.emit('out = []')
        self.emit('for v in fib():')
        self.indent()
        self.emit('if v > %d:' % self.r.randint(10, 10 ** 6))
        self.indent()
        self.emit('break')
        self.dedent()
        self.emit('out.append(v)')
        self.dedent()
        self.emit('print(out[-3:], len(out))')
        self.emit('print(sum(v for v in %s), any(v > 3 for v in %s), all(v for v in ()))' % (
            self.expr('list', 2, sc), self.expr('list', 1, sc)))
        self.emit('g2 = (c.upper() for c in %s)' % self.expr('str', 1, sc))
        self.emit('print(next(g2, "-"), list(g2))')

    def blk_class(self, sc):
        base, sub = self.fresh('Base'), self.fresh('Sub')
        self.emit('class %s:' % base)
        self.indent()
        self.emit('count = 0')
        self.emit('def __init__(self, v, tag=%s):' % self.str_lit())
        self.indent()
        self.emit('self._v = v')
        self.emit('self.tag = tag')
        self.emit('%s.count += 1' % base)
        self.dedent()
        self.emit('@property')
        self.emit('def v(self):')
        self.indent()
        self.emit('return self._v')
        self.dedent()
        self.emit('@v.setter')
        self.emit('def v(self, value):')
        self.indent()
        self.emit('self._v = value %% %d' % self.r.randint(50, 1000))
        self.dedent()
        self.emit('def score(self, k=1):')
        self.indent()
        self.emit('return self._v * k + %s' % self.small(0, 9))
        self.dedent()
        self.emit('@classmethod')
        self.emit('def make(cls, *vs):')
        self.indent()
        self.emit('return [cls(v) for v in vs]')
        self.dedent()
        self.emit('@staticmethod')
        self.emit('def double(x):')
        self.indent()
        self.emit('return x * 2')
        self.dedent()
        self.emit('def __repr__(self):')
        self.indent()
        self.emit("return '%s(%r, %s)' % (type(self).__name__, self._v, self.tag)")
        self.dedent()
        self.emit('def __eq__(self, other):')
        self.indent()
        self.emit('return isinstance(other, %s) and self._v == other._v' % base)
        self.dedent()
        self.emit('def __lt__(self, other):')
        self.indent()
        self.emit('return self._v < other._v')
        self.dedent()
        self.emit('def __add__(self, other):')
        self.indent()
        self.emit('return type(self)(self._v + (other._v if isinstance(other, %s) else other))' % base)
        self.dedent()
        self.emit('def __len__(self):')
        self.indent()
        self.emit('return abs(self._v) %% %d' % self.small(3, 20))
        self.dedent()
        self.emit('def __contains__(self, x):')
        self.indent()
        self.emit('return x == self._v')
        self.dedent()
        self.dedent()
        self.emit('class %s(%s):' % (sub, base))
        self.indent()
        self.emit('def __init__(self, v, extra=%s):' % self.int_lit())
        self.indent()
        self.emit("super().__init__(v, 'sub')")
        self.emit('self.extra = extra')
        self.dedent()
        self.emit('def score(self, k=2):')
        self.indent()
        self.emit('return super().score(k) - self.extra')
        self.dedent()
        self.emit('def __iter__(self):')
        self.indent()
        self.emit('for i in range(len(self)):')
        self.indent()
        self.emit('yield i * self.extra')
        self.dedent()
        self.dedent()
        self.emit('def __getitem__(self, i):')
        self.indent()
        self.emit('return self._v + i')
        self.dedent()
        self.dedent()
        o1, o2 = self.fresh('o'), self.fresh('o')
        self.emit('%s = %s(%s)' % (o1, base, self.expr('int', 1, sc)))
        self.emit('%s = %s(%s, %s)' % (o2, sub, self.expr('int', 1, sc), self.small(0, 5)))
        self.emit('print(%s, %s, %s.v, %s.score(), %s.score(), %s.score(3))' % (o1, o2, o1, o1, o2, o2))
        self.emit('%s.v = %s' % (o1, self.expr('int', 1, sc)))
        self.emit('%s.v += %s' % (o2, self.expr('int', 1, sc)))
        self.emit('print(%s.v, %s.v, %s + %s, %s + 1, %s == %s, %s < %s)' % (o1, o2, o1, o2, o2, o1, o2, o1, o2))
        self.emit('print(len(%s), list(%s), %s[%d], %s in %s, isinstance(%s, %s), issubclass(%s, %s))' % (
            o2, o2, o2, self.small(0, 5), self.small(0, 5), o1, o2, base, sub, base))
        self.emit('print(sorted(%s.make(%s, %s, %s)), %s.double(%s), %s.count)' % (
            sub, self.int_lit(), self.int_lit(), self.int_lit(), base, self.expr('int', 1, sc), base))
        self.emit("print(type(%s).__name__, hasattr(%s, 'extra'), getattr(%s, 'tag', None))" % (o2, o1, o1))

    def blk_fstring(self, sc):
        for _ in range(self.r.randint(2, 4)):
            self.emit('print(%s)' % self.fstring(2, sc))
        w = self.fresh('w')
        self.emit('%s = %d' % (w, self.small(1, 10)))
        self.emit("print(f'[{%s:>{%s}}] [{%s:<{%s}.{3}f}] [{%s:^{%s}d}]')" % (
            self.fexpr('str', 1, sc), w, self.pick(('f0', '1.5', '2.25')), w, self.fexpr('int', 1, sc), w))
        # (MicroPython formats a plain string concatenated to an f-string too: keep braces out of it)
        self.emit("print(f'{%s!r:>8}' f'|{%s}|' 'plain')" % (self.fexpr('int', 1, sc), self.fexpr('str', 1, sc)))
        self.emit("print('{0}-{1}-{0}'.format(%s, %s), '{a}/{b}'.format(a=%s, b=%s))" % (
            self.expr('int', 1, sc), self.expr('str', 1, sc), self.expr('int', 1, sc), self.str_lit()))
        self.emit("print('%%(n)s=%%(v)d' %% {'n': %s, 'v': %s}, '%%*d|%%-*s|' %% (5, %s, 4, %s))" % (
            self.str_lit(), self.expr('int', 1, sc), self.expr('int', 1, sc), self.str_lit()))

    def blk_walrus(self, sc):
        n = self.fresh('n')
        self.emit('if (%s := len(%s)) > %d:' % (n, self.expr('list', 2, sc), self.small(0, 4)))
        self.indent()
        self.emit("print('long', %s)" % n)
        self.dedent()
        self.emit('else:')
        self.indent()
        self.emit("print('short', %s)" % n)
        self.dedent()
        data, chunk = self.fresh('data'), self.fresh('chunk')
        self.emit('%s = %s' % (data, self.expr('list', 2, sc)))
        self.emit('while (%s := %s[:2]):' % (chunk, data))
        self.indent()
        self.emit('%s = %s[2:]' % (data, data))
        self.emit('print(%s, end=" ")' % chunk)
        self.dedent()
        self.emit('print()')
        v = self.fresh('v')
        self.emit('%s = %s' % (v, self.expr('int', 2, sc)))
        self.emit("print('neg' if %s < 0 else 'zero' if %s == 0 else 'small' if %s < 100 else 'big')" % (v, v, v))
        sc.add(n, 'int')
        sc.add(v, 'int')

    def blk_with(self, sc):
        cm = self.fresh('Ctx')
        self.emit('class %s:' % cm)
        self.indent()
        self.emit('def __init__(self, name, swallow=False):')
        self.indent()
        self.emit('self.name = name')
        self.emit('self.swallow = swallow')
        self.dedent()
        self.emit('def __enter__(self):')
        self.indent()
        self.emit("print('enter', self.name)")
        self.emit('return self.name.upper()')
        self.dedent()
        self.emit('def __exit__(self, et, ev, tb):')
        self.indent()
        self.emit("print('exit', self.name, et.__name__ if et else None)")
        self.emit('return self.swallow')
        self.dedent()
        self.dedent()
        self.emit("with %s('a') as x, %s('b') as y:" % (cm, cm))
        self.indent()
        self.emit('print(x + y, %s)' % self.expr('int', 1, sc))
        self.dedent()
        self.emit("with %s('swallow', True):" % cm)
        self.indent()
        self.emit("raise ValueError('hidden')")
        self.dedent()
        self.emit('try:')
        self.indent()
        self.emit("with %s('pass'):" % cm)
        self.indent()
        self.emit('print(1 // %s)' % self.pick(('0', '1', '2')))
        self.dedent()
        self.dedent()
        self.emit('except ZeroDivisionError:')
        self.indent()
        self.emit("print('propagated')")
        self.dedent()

    def blk_recursion(self, sc):
        f = self.fresh('rec')
        kind = self.r.randint(0, 3)
        if kind == 0:
            self.emit('def %s(n):' % f)
            self.emit('    return n if n < 2 else %s(n - 1) + %s(n - 2)' % (f, f))
            self.emit('print([%s(i) for i in range(%d)])' % (f, self.small(1, 15)))
        elif kind == 1:
            self.emit('def %s(a, b):' % f)
            self.emit('    return a if b == 0 else %s(b, a %% b)' % f)
            self.emit('print(%s(%d, %d), %s(%s, %d))' % (f, self.r.randint(1, 10 ** 6), self.r.randint(1, 10 ** 4),
                                                      f, self.int_lit(), self.r.randint(1, 99)))
        elif kind == 2:
            self.emit('def %s(items):' % f)
            self.emit('    if len(items) <= 1:')
            self.emit('        return [list(items)]')
            self.emit('    return [[x] + p for i, x in enumerate(items) for p in %s(items[:i] + items[i + 1:])]' % f)
            self.emit('print(%s([1, 2, 3])[:%d], len(%s(list(range(%d)))))' % (f, self.small(1, 6), f, self.small(0, 5)))
        else:
            self.emit('def %s(n, memo={}):' % f)
            self.emit('    if n in memo:')
            self.emit('        return memo[n]')
            self.emit('    r = 1 if n < 2 else n * %s(n - 1)' % f)
            self.emit('    memo[n] = r')
            self.emit('    return r')
            self.emit('print(%s(%d), %s(%d))' % (f, self.small(0, 30), f, self.small(20, 60)))

    def blk_del_assert(self, sc):
        lst, d = self.fresh('lst'), self.fresh('dd')
        self.emit('%s = list(range(%d))' % (lst, self.small(4, 10)))
        self.emit('del %s[%d]' % (lst, self.small(0, 3)))
        self.emit('del %s[%s]' % (lst, self.pick(('1:3', '-1:', ':1', '2:'))))   # MicroPython: no del with a step
        self.emit('%s = {%s}' % (d, ', '.join('%r: %d' % (w, i) for i, w in enumerate(self.r.sample(WORDS, 3)))))
        self.emit('del %s[%s]' % (d, 'sorted(%s)[0]' % d))
        self.emit('print(%s, sorted(%s))' % (lst, d))
        tmp = self.fresh('tmp')
        self.emit('%s = %s' % (tmp, self.expr('int', 1, sc)))
        self.emit('del %s' % tmp)
        self.emit('try:')
        self.emit('    print(%s)' % tmp)
        self.emit('except NameError:')
        self.emit("    print('deleted')")
        self.emit('try:')
        self.emit('    assert %s, %s' % (self.expr('bool', 1, sc), self.str_lit()))
        self.emit("    print('assert passed')")
        self.emit('except AssertionError as e:')
        self.emit("    print('assert failed', e.args)")

    def blk_bigint(self, sc):
        a, b = self.fresh('big'), self.fresh('big')
        self.emit('%s = %s' % (a, self.pick(('2 ** %d' % self.r.randint(60, 200), '10 ** %d + %d' % (self.r.randint(18, 60), self.small()),
                                           '-(3 ** %d)' % self.r.randint(30, 90), '0x' + 'f' * self.r.randint(16, 40)))))
        self.emit('%s = %s' % (b, self.pick(('%d' % self.r.randint(2, 10 ** 9), '7 ** %d' % self.r.randint(10, 40), '-%d' % self.r.randint(2, 999)))))
        self.emit('print(%s + %s, %s - %s, %s * %s)' % (a, b, a, b, a, b))
        self.emit('print(%s // %s, %s %% %s, divmod(%s, %s), -%s // %s)' % (a, b, a, b, a, b, a, b))
        self.emit('print(%s & %s, %s | %s, %s ^ %s, ~%s, %s >> %d, %s << %d)' % (
            a, b, a, b, a, b, a, a, self.small(1, 70), b, self.small(1, 70)))
        self.emit('print(%s == %s, %s < %s, abs(%s), str(%s)[:12], hex(%s)[-6:], len(str(%s)))' % (a, b, a, b, a, a, a, a))
        self.emit('print(int.from_bytes((%s %% 2 ** 64).to_bytes(8, "big"), "little"))' % a)

    def blk_strings(self, sc):
        s = self.fresh('s')
        self.emit('%s = %s' % (s, self.expr('str', 2, sc)))
        self.emit("print(%s.split(), %s.split('a'), %s.rsplit(' ', 1))" % (s, s, s))
        self.emit("print(%s.find('a'), %s.rfind('a'), %s.count('a'), %s.startswith(('x', 'a')))" % (s, s, s, s))
        self.emit("print(%s.partition(' '), %s.isdigit(), %s.isalpha(), %s.isspace(), %s.isupper(), %s.islower())" % (s, s, s, s, s, s))
        self.emit("print(repr(%s[::1]), %s[-3:], %s * 2, len(%s), %s.encode()[:4])" % (s, s, s, s, s))
        self.emit("print(%s.strip('xa'), '-'.join(reversed(%s.split())), %s.replace(' ', ''), %r.index('y'))" % (
            s, s, s, 'xyz'))
        self.emit("print(sorted(%s), min(%s) if %s else '', max(%s, default='-') )" % (s, s, s, s))
        self.emit("u = 'na\\u00efve \\u20ac%d'" % self.small(0, 9))
        self.emit("print(u, len(u), len(u.encode()), u[2:4], u[-1], ord(u[2]))")
        self.emit("b = bytes([%s]) + b'\\x00%s'" % (', '.join(str(self.pick([c for c in range(256) if c not in (34, 39, 92)])) for _ in range(self.small(1, 4))), self.pick(('ab', 'z', ''))))
        self.emit("print(b, len(b), list(b), b[1:], bytearray(b), b.hex() if b else 'empty')")

    BLOCKS = ('exprs', 'assign', 'if', 'while', 'for', 'try', 'func', 'closure', 'lambda', 'comprehension',
              'generator', 'class', 'fstring', 'walrus', 'with', 'recursion', 'del_assert', 'bigint', 'strings')

    def program(self):
        sc = Scope()
        self.emit('# generated by tests/oracle/gen_programs.py, seed %d, program %d' % (self.seed, self.index))
        self.blk_prelude(sc)
        blocks = self.r.sample(self.BLOCKS, self.r.randint(6, 10))
        if 'exprs' not in blocks:
            blocks.append('exprs')
        for name in blocks:
            self.emit('')
            self.emit('# --- %s' % name)
            if self.chance(0.25) and name not in ('class', 'try', 'closure', 'func'):
                # the same block inside a function body (locals, cells, globals)
                f = self.fresh('section')
                self.emit('def %s():' % f)
                self.indent()
                inner = sc.function()
                getattr(self, 'blk_' + name)(inner)
                self.emit('return 0')
                self.dedent()
                self.emit('%s()' % f)
            else:
                getattr(self, 'blk_' + name)(sc)
        self.emit("print('end', %d)" % self.index)
        return '\n'.join(self.lines) + '\n'


def generate(seed, index):
    return Gen(seed, index).program()


def file_name(seed, index):
    return 'g%d_%04d.py' % (seed, index)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--count', type=int, default=1)
    ap.add_argument('--start', type=int, default=0, help='first program index')
    ap.add_argument('--index', type=int, help='print only this program to stdout')
    ap.add_argument('--out', help='directory to write the programs into')
    ap.add_argument('--check-cpython', action='store_true',
                    help='run each program with this python3 and report those that raise or time out')
    args = ap.parse_args()

    if args.index is not None:
        sys.stdout.write(generate(args.seed, args.index))
        return 0
    bad = 0
    for i in range(args.start, args.start + args.count):
        src = generate(args.seed, i)
        if args.out:
            os.makedirs(args.out, exist_ok=True)
            with open(os.path.join(args.out, file_name(args.seed, i)), 'w', encoding='utf-8') as f:
                f.write(src)
        if args.check_cpython:
            try:
                p = subprocess.run([sys.executable, '-c', src], capture_output=True, timeout=20)
                if p.returncode != 0:
                    bad += 1
                    print('%s: exit %d: %s' % (file_name(args.seed, i), p.returncode,
                                               p.stderr.decode().strip().split('\n')[-1]))
            except subprocess.TimeoutExpired:
                bad += 1
                print('%s: timeout' % file_name(args.seed, i))
        elif not args.out:
            sys.stdout.write(src)
    if args.check_cpython:
        print('cpython: %d/%d programs ran without error' % (args.count - bad, args.count))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
