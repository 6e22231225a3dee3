# Re-run one corpus query on the Python reference (musil 0.36.7) under the current PYTHONHASHSEED and
# print its result text. Usage: PYTHONHASHSEED=4 python scripts/reference_rerun.py tests/corpus/case-145.json 14
# (needs a Python >= 3.12 venv with `pip install musil==0.36.7`). It shows that a corpus answer marked
# exact depends on the hash seed in the reference (tests/corpus.rs, HASH_DEPENDENT).
import json, sys
from musil import Model, Action, check_liveness, check_ltl
from musil.ltl import Atom, Not, And, Or, Implies, Next, Eventually, Always, Until, Release, WeakUntil
case = json.load(open(sys.argv[1])); qi = int(sys.argv[2])
m = case['model']; q = case['queries'][qi]
acts = []
for a in m['actions']:
    t = a['table']
    acts.append(Action(a['name'], (lambda t: lambda s: s in t)(t), (lambda t: lambda s: t[s])(t), fair=a['fair']))
term = set(m['terminal'])
model = Model(init=list(m['init']), actions=acts, terminal=lambda s: s in term)
if q['op'] == 'check_liveness':
    goal = set(q['goal'])
    kw = {}
    if 'fair' in q: kw['fair'] = q['fair']
    if 'fair_strong' in q: kw['fair_strong'] = q['fair_strong']
    if q.get('everywhere'): kw['everywhere'] = True
    if 'leadsto_from' in q:
        trig = set(q['leadsto_from']); kw['leadsto_from'] = lambda s: s in trig
    r = check_liveness(model, goal=lambda s: s in goal, **kw)
    print(str(r))
elif q['op'] == 'check_ltl':
    atoms = {k: set(v) for k, v in q['atoms'].items()}
    import re
    toks = re.findall(r'->|[()!&|]|[A-Za-z_]+', q['formula'])
    pos = 0
    def peek(): return toks[pos] if pos < len(toks) else None
    def take():
        global pos; pos += 1; return toks[pos-1]
    def unary():
        t = take()
        if t == '!': return Not(unary())
        if t == 'X': return Next(unary())
        if t == 'F': return Eventually(unary())
        if t == 'G': return Always(unary())
        if t == '(':
            a = unary(); op = take(); b = unary(); take()
            return {'&': And, '|': Or, '->': Implies, 'U': Until, 'R': Release, 'W': WeakUntil}[op](a, b)
        s = atoms[t]; return Atom(t, (lambda s: lambda x: x in s)(s))
    f = unary()
    kw = {}
    if 'fair' in q: kw['fair'] = q['fair']
    r = check_ltl(model, f, **kw)
    print(str(r))
