"""Validate data/bant: python3 data/bant/validate.py [--stats] [--warn]"""
import json, re, sys, datetime as dt
from zoneinfo import ZoneInfo
from collections import Counter
import os
D = os.path.dirname(os.path.abspath(__file__))
TYPES = {"time","duration","money","quantity","percentage","email","phone","url","company","role","product","competitor"}
LAB = {"budget": {"stated","implied","none"}, "authority": {"decision_maker","influencer","unknown"},
       "need": {"clear","vague","none"}, "timeline": {"defined","vague","none"}, "stage": {"qualified","engaged","unqualified"}}
STRONG = {"budget":"stated","authority":"decision_maker","need":"clear","timeline":"defined"}
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
errors, warns = [], []
def err(m): errors.append(m)
def warn(m): warns.append(m)
cat = json.load(open(f"{D}/catalog.json"))["orgs"]
for k, o in cat.items():
    for p in o["products"]:
        if not isinstance(p.get("name"), str) or not isinstance(p.get("aliases"), list): err(f"catalog {k}: bad product {p}")
        if "list_price" in p and "currency" not in p: err(f"catalog {k}: price w/o currency {p['name']}")
    for c in o["competitors"]:
        if not isinstance(c.get("name"), str) or not isinstance(c.get("aliases"), list): err(f"catalog {k}: bad competitor {c}")
def lev(a, b):
    a, b = a.lower(), b.lower(); prev = list(range(len(b)+1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1): cur.append(min(prev[j]+1, cur[j-1]+1, prev[j-1]+(ca != cb)))
        prev = cur
    return prev[-1]
def names(org, kind):
    out = []
    for p in cat[org][kind]: out += [p["name"]] + p["aliases"]
    return out
def check_value(tid, mid, e):
    v = e.get("value")
    if v is None: return
    if not isinstance(v, dict): return err(f"{tid}/{mid}: value not object {e}")
    if e["type"] == "money":
        ok = set(v) <= {"amount","currency","min","max","period","per"} and ("amount" in v or "min" in v or "max" in v)
        if not ok: err(f"{tid}/{mid}: bad money value {v}")
        for k in ("amount","min","max"):
            if k in v and not isinstance(v[k], (int, float)): err(f"{tid}/{mid}: money {k} not number")
        if "currency" in v and not re.fullmatch(r"[A-Z]{3}", v["currency"]): err(f"{tid}/{mid}: currency {v}")
        if "min" in v and "max" in v and v["min"] > v["max"]: err(f"{tid}/{mid}: min>max {v}")
    elif e["type"] == "time":
        if not (set(v) <= {"date","from","to"} and v): err(f"{tid}/{mid}: bad time value {v}")
        for k, x in v.items():
            if not DATE.match(x): err(f"{tid}/{mid}: bad date {x}")
        if "from" in v and "to" in v and v["from"] > v["to"]: err(f"{tid}/{mid}: from>to {v}")
    else: err(f"{tid}/{mid}: value on {e['type']}")
splits = {}
for split in ("train", "test"):
    ths = []; seen = set()
    for ln, line in enumerate(open(f"{D}/{split}.jsonl", encoding="utf-8"), 1):
        try: t = json.loads(line)
        except Exception as x: err(f"{split}:{ln} json {x}"); continue
        ths.append(t); tid = t.get("id")
        if set(t) - {"id","language","org","timezone","region","messages","bant","notes"}: err(f"{tid}: extra keys")
        if tid in seen: err(f"dup id {tid}")
        seen.add(tid)
        if t.get("language") not in ("en","es","pt"): err(f"{tid}: language")
        if not re.fullmatch(rf"{t.get('language')}-{split}-\d{{3}}", tid or ""): err(f"{tid}: id format")
        if t.get("org") not in cat: err(f"{tid}: org {t.get('org')} not in catalog"); continue
        try: tz = ZoneInfo(t["timezone"])
        except Exception: err(f"{tid}: tz"); continue
        if not isinstance(t.get("region"), str) or not t["region"]: err(f"{tid}: region")
        b = t.get("bant", {})
        for k, allowed in LAB.items():
            if b.get(k) not in allowed: err(f"{tid}: bant.{k}={b.get(k)}")
        if set(b) != set(LAB): err(f"{tid}: bant keys")
        strong = sum(b.get(k) == v for k, v in STRONG.items())
        if (strong >= 3) != (b.get("stage") == "qualified"): err(f"{tid}: stage {b.get('stage')} but {strong} strongest labels")
        if b.get("stage") == "unqualified" and b.get("need") == "clear" and b.get("budget") != "none": warn(f"{tid}: unqualified with clear need+budget")
        msgs = t.get("messages", [])
        if not 2 <= len(msgs) <= 16: warn(f"{tid}: {len(msgs)} messages")
        if not any(m.get("direction") == "inbound" for m in msgs): err(f"{tid}: no inbound")
        prev = None
        pn, cn = names(t["org"], "products"), names(t["org"], "competitors")
        for i, m in enumerate(msgs, 1):
            mid = m.get("id")
            if mid != f"m{i}": err(f"{tid}: msg id {mid}")
            if set(m) != {"id","direction","sent_at","text","entities"}: err(f"{tid}/{mid}: msg keys")
            if m.get("direction") not in ("inbound","outbound"): err(f"{tid}/{mid}: direction")
            try: ts = dt.datetime.strptime(m["sent_at"], "%Y-%m-%dT%H:%M:%SZ")
            except Exception: err(f"{tid}/{mid}: sent_at"); continue
            if prev and ts < prev: err(f"{tid}/{mid}: time goes back")
            prev = ts; text = m.get("text", "")
            if not text.strip(): err(f"{tid}/{mid}: empty")
            ents = m.get("entities", [])
            if m["direction"] == "outbound" and ents: err(f"{tid}/{mid}: outbound entities")
            last = -1; cover = []
            for e in sorted(ents, key=lambda e: e.get("start", 0)):
                if set(e) - {"type","start","end","text","value"}: err(f"{tid}/{mid}: entity keys {e}")
                if e.get("type") not in TYPES: err(f"{tid}/{mid}: type {e.get('type')}")
                s, en = e.get("start"), e.get("end")
                if not (isinstance(s, int) and isinstance(en, int) and 0 <= s < en <= len(text)): err(f"{tid}/{mid}: offsets {e}"); continue
                if text[s:en] != e.get("text"): err(f"{tid}/{mid}: span text mismatch {e} vs {text[s:en]!r}")
                if e["text"] != e["text"].strip(): err(f"{tid}/{mid}: span has outer whitespace {e}")
                if s < last: err(f"{tid}/{mid}: overlapping entities {e}")
                last = en; cover.append((s, en, e["type"]))
                check_value(tid, mid, e)
                if e["type"] in ("product", "competitor"):
                    pool = pn if e["type"] == "product" else cn
                    if pool and min(lev(e["text"], n) for n in pool) > 2 and not any(n.lower() in e["text"].lower() for n in pool):
                        warn(f"{tid}/{mid}: {e['type']} {e['text']!r} not near catalog")
                    if not pool: err(f"{tid}/{mid}: {e['type']} but org has none")
            if m["direction"] != "inbound": continue
            def covered(a, z, ty=None): return any(s <= a and z <= en and (ty is None or ty == tt) for s, en, tt in cover)
            for kind, pool in (("product", pn), ("competitor", cn)):
                for n in pool:
                    for mm in re.finditer(r"(?<!\w)" + re.escape(n) + r"(?!\w)", text, re.I):
                        if not covered(mm.start(), mm.end(), kind): warn(f"{tid}/{mid}: unlabelled {kind} {mm.group()!r}")
            for ty, rx in (("email", r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), ("url", r"(https?://\S+|www\.\S+|\b[\w-]+\.(com|com\.br|io|co|es|mx|pt|app)(/\S*)?\b)"),
                           ("phone", r"\+?\d[\d\s().-]{7,}\d"), ("money", r"(R\$|US\$|\$|€|£)\s?\d"), ("percentage", r"\d+\s?%")):
                for mm in re.finditer(rx, text):
                    if ty == "phone" and re.search(r"(NIF|NIT|CNPJ|CPF|RUC|RFC|guía|nota)\s*$", text[:mm.start()], re.I): continue
                    if not covered(mm.start(), mm.end() if ty != "url" else mm.start()+1): warn(f"{tid}/{mid}: unlabelled {ty}? {mm.group()!r}")
    splits[split] = ths
# cross-split checks
orgs = {s: {t["org"] for t in ths} for s, ths in splits.items()}
if orgs["train"] & orgs["test"]: err(f"orgs shared between splits: {orgs['train'] & orgs['test']}")
def msgset(ths): return {re.sub(r"\W+", " ", m["text"].lower()).strip() for t in ths for m in t["messages"] if len(m["text"]) > 25}
dup = msgset(splits["train"]) & msgset(splits["test"])
if dup: err(f"{len(dup)} long messages identical across splits: {list(dup)[:3]}")
def bag(t): return {w for m in t["messages"] if m["direction"] == "inbound" for w in re.findall(r"\w{4,}", m["text"].lower())}
near = []
for te in splits["test"]:
    bt = bag(te)
    for tr in splits["train"]:
        br = bag(tr)
        if bt and br: near.append((len(bt & br) / len(bt | br), te["id"], tr["id"]))
near.sort(reverse=True)
for j, a_, b_ in near:
    if j > 0.35: err(f"test {a_} too similar to train {b_} (jaccard {j:.2f})")
max_sim = near[0] if near else None
ents_tr = {e["text"].lower() for t in splits["train"] for m in t["messages"] for e in m["entities"] if e["type"] in ("company","email","phone","url")}
ents_te = {e["text"].lower() for t in splits["test"] for m in t["messages"] for e in m["entities"] if e["type"] in ("company","email","phone","url")}
if ents_tr & ents_te: err(f"companies/contacts shared across splits: {ents_tr & ents_te}")
for s, ths in splits.items():
    n = len(ths); c = Counter(t["language"] for t in ths)
    for l in ("en","es","pt"):
        if c[l] < 0.3 * n: err(f"{s}: language {l} only {c[l]}/{n}")
def stats():
    out = []
    for s, ths in splits.items():
        out.append(f"## {s}: {len(ths)} threads, {sum(len(t['messages']) for t in ths)} messages, {sum(len(m['entities']) for t in ths for m in t['messages'])} entities")
        out.append("language: " + ", ".join(f"{k}={v}" for k, v in sorted(Counter(t['language'] for t in ths).items())))
        out.append("region: " + ", ".join(f"{k}={v}" for k, v in sorted(Counter(t['region'] for t in ths).items())))
        for k in LAB: out.append(f"{k}: " + ", ".join(f"{a}={b}" for a, b in sorted(Counter(t['bant'][k] for t in ths).items())))
        for l in ("en","es","pt"):
            out.append(f"stage[{l}]: " + ", ".join(f"{a}={b}" for a, b in sorted(Counter(t['bant']['stage'] for t in ths if t['language']==l).items())))
        out.append("entities: " + ", ".join(f"{a}={b}" for a, b in sorted(Counter(e['type'] for t in ths for m in t['messages'] for e in m['entities']).items())))
        lens = [len(t["messages"]) for t in ths]
        out.append("thread length: " + ", ".join(f"{a}-{b} msgs={sum(a <= x <= b for x in lens)}" for a, b in ((2, 3), (4, 6), (7, 10), (11, 16))))
        out.append("messages/thread: min=%d max=%d" % (min(len(t['messages']) for t in ths), max(len(t['messages']) for t in ths)))
    return "\n".join(out)
if "--stats" in sys.argv: print(stats())
if "--warn" in sys.argv:
    for w in warns: print("WARN", w)
for e in errors: print("ERROR", e)
if max_sim: print(f"max test/train inbound word jaccard: {max_sim[0]:.2f} ({max_sim[1]} vs {max_sim[2]})")
print(f"{len(errors)} errors, {len(warns)} warnings")
sys.exit(1 if errors else 0)
