"""Validate data/assist: python3 data/assist/validate.py

Standard library only. Checks organizations.json, train.jsonl and test.jsonl, prints the
distribution tables and exits 1 on any error.
"""
import datetime as dt
import json
import os
import re
import sys
from collections import Counter

D = os.path.dirname(os.path.abspath(__file__))
LANGS = ("en", "es", "pt")
SPLITS = ("train", "test")
KINDS = ("reply_now", "send_template", "send_pricing", "propose_demo", "answer_objection",
         "escalate", "ask_qualifying_question", "create_deal_request")
ACTIONS = KINDS + ("none",)
SNIPPET_KINDS = {"pricing", "objection", "faq", "policy", "other"}
OPT_IN = {"unknown", "opted_in", "opted_out"}
MIN_SPLIT = {"train": 72, "test": 48}
MIN_KIND_ALL, MIN_KIND_TEST = 8, 3
NONE_RANGE = (3, 5)
MIN_SNIPPETS = 40
WINDOW = dt.timedelta(hours=24)
NUDGE = dt.timedelta(hours=1)

errors = []


def err(msg):
    errors.append(msg)


def parse_time(s, where):
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", s):
            raise ValueError
        return dt.datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError):
        err(f"{where}: bad timestamp {s!r}")
        return None


# Currency amounts: a symbol or code before or after a number; "k"/"mil" multiply by 1000.
NUM = r"\d+(?:[.,]\d+)*(?:\s?(?:k|mil)\b)?"
CUR_BEFORE = re.compile(r"(?:US\$|MX\$|R\$|\$|€|£)\s?(" + NUM + ")", re.I)
CUR_AFTER = re.compile(r"(" + NUM + r")\s?(?:€|£|USD|MXN|BRL|EUR|GBP|pesos|reais|euros|d[oó]lares|dollars|bucks)\b", re.I)
CUR_AFTER_SYMBOL = re.compile(r"(" + NUM + r")\s?(?:€|£)")


def to_number(s):
    s = s.strip().lower()
    mult = 1
    m = re.search(r"\s?(k|mil)$", s)
    if m:
        mult, s = 1000, s[: m.start()]
    if "," in s and "." in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
        s = s.replace("." if dec == "," else ",", "").replace(dec, ".")
    else:
        for sep in (",", "."):
            if sep in s:
                head, *groups = s.split(sep)
                if all(len(g) == 3 for g in groups) and 1 <= len(head) <= 3:
                    s = s.replace(sep, "")
                else:
                    s = s.replace(sep, ".")
    try:
        return float(s) * mult
    except ValueError:
        return None


def amounts(text):
    found = []
    for rx in (CUR_BEFORE, CUR_AFTER, CUR_AFTER_SYMBOL):
        for m in rx.finditer(text):
            v = to_number(m.group(1))
            if v is not None:
                found.append((m.group(0).strip(), v))
    return found


EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
URL = re.compile(r"(?:https?://|www\.)\S+|\b[\w-]+\.(?:com|net|org|io|br|mx|es|co|app)(?:/\S*)?\b", re.I)
PHONE = re.compile(r"\+?\d(?:[\s().-]?\d){6,}")
PROFANITY = re.compile(
    r"\b(?:fuck\w*|shit\w*|bitch\w*|asshole|damn|crap|puta\w*|mierda|pendej\w*|cabr[oó]n\w*|chingad\w*|"
    r"joder|coño|gilipollas|caralho|porra|merda|foda\w*|fdp|bosta)\b", re.I)


def digits(s):
    return re.sub(r"\D", "", s)


# ---- organizations ----
try:
    orgs = json.load(open(os.path.join(D, "organizations.json"), encoding="utf-8"))
except (OSError, ValueError) as e:
    print(f"organizations.json: {e}")
    sys.exit(1)
allowed_amounts = {}
for oid, o in orgs.items():
    if not re.fullmatch(r"org-(en|es|pt)-\d+", oid):
        err(f"org {oid}: bad id")
    if o.get("language") not in LANGS or not oid.startswith(f"org-{o.get('language')}-"):
        err(f"org {oid}: language {o.get('language')!r} does not match the id")
    if not isinstance(o.get("name"), str) or not o["name"]:
        err(f"org {oid}: no name")
    cat = o.get("catalog", [])
    if not 3 <= len(cat) <= 6:
        err(f"org {oid}: {len(cat)} catalog items (want 3-6)")
    vals = set()
    for p in cat:
        if not isinstance(p.get("name"), str) or not isinstance(p.get("aliases"), list):
            err(f"org {oid}: bad catalog item {p}")
        for k in ("sku", "list_price", "currency"):
            if k not in p:
                err(f"org {oid}: catalog item {p.get('name')} lacks {k}")
        if p.get("list_price") is not None:
            if not isinstance(p["list_price"], (int, float)) or not isinstance(p.get("currency"), str):
                err(f"org {oid}: bad price on {p.get('name')}")
            else:
                vals.add(round(float(p["list_price"]), 2))
    sn = o.get("snippets", [])
    if not 6 <= len(sn) <= 10:
        err(f"org {oid}: {len(sn)} snippets (want 6-10)")
    ids = [s.get("id") for s in sn]
    if len(set(ids)) != len(ids):
        err(f"org {oid}: duplicate snippet ids")
    for s in sn:
        if not re.fullmatch(re.escape(oid) + r"-s\d+", s.get("id", "")):
            err(f"org {oid}: snippet id {s.get('id')!r} not '<org>-sN'")
        if s.get("kind") not in SNIPPET_KINDS:
            err(f"org {oid}: snippet {s.get('id')} kind {s.get('kind')!r}")
        if s.get("language") != o.get("language"):
            err(f"org {oid}: snippet {s.get('id')} language {s.get('language')!r}")
        if not s.get("title") or not s.get("body"):
            err(f"org {oid}: snippet {s.get('id')} lacks title or body")
        # A snippet may state its own amounts (fees, thresholds): replies may quote them too.
        for _, v in amounts(s.get("body", "")):
            vals.add(round(v, 2))
    kinds = Counter(s.get("kind") for s in sn)
    if kinds["objection"] < 2:
        err(f"org {oid}: fewer than 2 objection snippets")
    for need in ("pricing", "faq"):
        if kinds[need] < 1:
            err(f"org {oid}: no {need} snippet")
    allowed_amounts[oid] = vals

# ---- threads ----
rows = {}
seen = set()
for split in SPLITS:
    rows[split] = []
    path = os.path.join(D, f"{split}.jsonl")
    try:
        lines = open(path, encoding="utf-8").read().splitlines()
    except OSError as e:
        err(f"{split}: {e}")
        continue
    for ln, line in enumerate(lines, 1):
        where = f"{split}.jsonl:{ln}"
        try:
            t = json.loads(line)
        except ValueError as e:
            err(f"{where}: not JSON ({e})")
            continue
        keys = {"id", "organization", "language", "now", "contact_name", "opt_in_status", "messages", "gold"}
        if set(t) != keys:
            err(f"{where}: keys {sorted(set(t) ^ keys)} missing or extra")
            continue
        tid = t["id"]
        where = f"{split} {tid}"
        m = re.fullmatch(r"(en|es|pt)-(train|test)-\d{3}", str(tid))
        if not m or m.group(1) != t["language"] or m.group(2) != split:
            err(f"{where}: id not '<language>-{split}-NNN' for language {t['language']!r}")
        if tid in seen:
            err(f"{where}: duplicate id")
        seen.add(tid)
        lang = t["language"]
        oid = t["organization"]
        org = orgs.get(oid)
        if org is None:
            err(f"{where}: unknown organization {oid!r}")
            continue
        if org["language"] != lang:
            err(f"{where}: organization language {org['language']} != {lang}")
        want_suffix = "-1" if split == "train" else "-2"
        if not oid.endswith(want_suffix):
            err(f"{where}: {split} may only use org-*{want_suffix} organizations, not {oid}")
        if not isinstance(t["contact_name"], str) or not t["contact_name"].strip():
            err(f"{where}: no contact_name")
        if t["opt_in_status"] not in OPT_IN:
            err(f"{where}: opt_in_status {t['opt_in_status']!r}")
        now = parse_time(t["now"], where)
        msgs = t["messages"]
        if not isinstance(msgs, list) or not 2 <= len(msgs) <= 10:
            err(f"{where}: {len(msgs) if isinstance(msgs, list) else '?'} messages (want 2-10)")
            if not isinstance(msgs, list):
                continue
        prev = None
        last_in = None
        last_out = None
        inbound_text = ""
        for i, msg in enumerate(msgs):
            if set(msg) != {"direction", "at", "text"}:
                err(f"{where}: message {i} keys {sorted(msg)}")
                continue
            if msg["direction"] not in ("inbound", "outbound"):
                err(f"{where}: message {i} direction {msg['direction']!r}")
            if not isinstance(msg["text"], str) or not msg["text"].strip():
                err(f"{where}: message {i} empty text")
            at = parse_time(msg["at"], f"{where} message {i}")
            if at is None or now is None:
                continue
            if prev is not None and at < prev:
                err(f"{where}: message {i} goes back in time")
            if at >= now:
                err(f"{where}: message {i} is not before now")
            prev = at
            if msg["direction"] == "inbound":
                last_in = at
                inbound_text += " " + msg["text"]
            else:
                last_out = at
        if last_in is None:
            err(f"{where}: no inbound message")
            continue
        g = t["gold"]
        if set(g) != {"action", "acceptable", "reply", "snippet"}:
            err(f"{where}: gold keys {sorted(g)}")
            continue
        action, acc, reply, snip = g["action"], g["acceptable"], g["reply"], g["snippet"]
        if action not in ACTIONS:
            err(f"{where}: action {action!r} not allowed")
        if not isinstance(acc, list) or action not in acc or len(set(acc)) != len(acc):
            err(f"{where}: acceptable {acc!r} must list the action once")
        elif any(a not in ACTIONS for a in acc):
            err(f"{where}: acceptable has unknown kinds {acc!r}")
        opted_out = t["opt_in_status"] == "opted_out"
        if opted_out != (action == "none"):
            err(f"{where}: action none exactly when opted_out (action {action}, {t['opt_in_status']})")
        if action == "none" and acc != ["none"]:
            err(f"{where}: none must have acceptable ['none']")
        # the 24-hour window
        state = "open"
        if now is not None:
            closes = last_in + WINDOW
            if now >= closes:
                state = "closed"
            elif closes - now <= NUDGE:
                state = "closing"
        t["_window"] = state
        if state == "closed" and action != "none" and "send_template" not in acc:
            err(f"{where}: window closed but send_template is not acceptable")
        if action == "send_template":
            unanswered = last_out is None or last_out < last_in
            if not (state == "closed" or (state == "closing" and unanswered)):
                err(f"{where}: send_template on an open window ({state}, unanswered={unanswered})")
        if state != "closed" and action != "send_template" and "send_template" in acc and state != "closing":
            err(f"{where}: send_template acceptable on an open window")
        # reply
        if action in ("send_template", "none"):
            if reply is not None:
                err(f"{where}: reply must be null for {action}")
        elif not isinstance(reply, str) or not reply.strip():
            err(f"{where}: reply missing")
        if isinstance(reply, str):
            own = {e.lower() for e in EMAIL.findall(inbound_text)}
            own_phones = {digits(p) for p in PHONE.findall(inbound_text)}
            for e in EMAIL.findall(reply):
                if e.lower() not in own:
                    err(f"{where}: reply has an email {e!r}")
            reply_wo_email = EMAIL.sub(" ", reply)
            for u in URL.findall(reply_wo_email):
                err(f"{where}: reply has a URL {u!r}")
            for p in PHONE.findall(reply):
                if digits(p) not in own_phones:
                    err(f"{where}: reply has a phone-like digit run {p!r}")
            if PROFANITY.search(reply):
                err(f"{where}: reply has profanity {PROFANITY.search(reply).group(0)!r}")
            for shown, v in amounts(reply):
                if round(v, 2) not in allowed_amounts[oid]:
                    err(f"{where}: reply price {shown!r} is in neither the catalog nor a snippet of {oid}")
        # snippet
        if snip is not None:
            if snip not in {s["id"] for s in org["snippets"]}:
                err(f"{where}: snippet {snip!r} not in {oid}")
        rows[split].append(t)

# ---- counts ----
total = Counter()
for split in SPLITS:
    n = len(rows[split])
    if n < MIN_SPLIT[split]:
        err(f"{split}: {n} threads (want at least {MIN_SPLIT[split]})")
    by_lang = Counter(t["language"] for t in rows[split])
    for lang in LANGS:
        if n and by_lang[lang] / n < 0.30:
            err(f"{split}: {lang} is {by_lang[lang]}/{n} threads (want at least 30%)")
    for t in rows[split]:
        total[t["gold"]["action"]] += 1
test_kinds = Counter(t["gold"]["action"] for t in rows["test"])
for k in KINDS:
    if total[k] < MIN_KIND_ALL:
        err(f"{k}: {total[k]} threads overall (want at least {MIN_KIND_ALL})")
    if test_kinds[k] < MIN_KIND_TEST:
        err(f"{k}: {test_kinds[k]} test threads (want at least {MIN_KIND_TEST})")
if not NONE_RANGE[0] <= total["none"] <= NONE_RANGE[1]:
    err(f"none: {total['none']} threads (want {NONE_RANGE[0]}-{NONE_RANGE[1]})")
with_snippet = sum(1 for s in SPLITS for t in rows[s] if t["gold"]["snippet"])
if with_snippet < MIN_SNIPPETS:
    err(f"{with_snippet} threads with a snippet (want at least {MIN_SNIPPETS})")


# ---- tables ----
def table(title, keys, cell):
    print(f"\n{title}\n")
    print("| | " + " | ".join(SPLITS) + " | total |")
    print("|---|" + "---:|" * (len(SPLITS) + 1))
    for k in keys:
        vals = [cell(s, k) for s in SPLITS]
        print(f"| {k} | " + " | ".join(str(v) for v in vals) + f" | {sum(vals)} |")
    vals = [sum(cell(s, k) for k in keys) for s in SPLITS]
    print("| **total** | " + " | ".join(str(v) for v in vals) + f" | {sum(vals)} |")


table("Threads per language", LANGS, lambda s, k: sum(t["language"] == k for t in rows[s]))
table("Gold action", ACTIONS, lambda s, k: sum(t["gold"]["action"] == k for t in rows[s]))
table("Threads with a gold snippet, per language", LANGS,
      lambda s, k: sum(t["language"] == k and bool(t["gold"]["snippet"]) for t in rows[s]))
table("24-hour window at `now`", ("open", "closing", "closed"),
      lambda s, k: sum(t.get("_window") == k for t in rows[s]))
snippet_kinds = {s["id"]: s["kind"] for o in orgs.values() for s in o["snippets"]}
table("Kind of the gold snippet", sorted(SNIPPET_KINDS),
      lambda s, k: sum(snippet_kinds.get(t["gold"]["snippet"]) == k for t in rows[s]))

print()
for e in errors:
    print("ERROR", e)
print(f"{len(errors)} errors")
sys.exit(1 if errors else 0)
