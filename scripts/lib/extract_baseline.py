"""Python baselines for wainsight's entity extractor: dateparser (dates and times) and
price-parser (money), run on Duckling's corpora (../shared/nlp/extract) with the same rules as
`wainsight eval extract` uses for the Swift extractor, so that both columns can be read side by
side.

Usage (with the project's venv, where dateparser and price-parser are installed):

    python scripts/lib/extract_baseline.py eval CORPUS_DIR
        One JSON line per corpus row on stdout:
        {"file": "duckling_time_en.tsv", "line": N, "pass": true|false, "got": "..."}
        N is the row's 1-based line number in its file (the header is line 1).

    python scripts/lib/extract_baseline.py bench CORPUS_DIR [--seconds S]
    python scripts/lib/extract_baseline.py bench --texts FILE [--lang LANG] [--seconds S]
        Times dateparser.search.search_dates and then price_parser.Price.fromstring over the
        texts (every text of the corpus files, or one text per line of FILE), in one thread, for
        at least S seconds each (default 10); one JSON line per tool:
        {"tool": ..., "version": ..., "texts": N, "seconds": X, "per_second": Y}

Only the standard library, dateparser and price_parser are used. Everything is deterministic:
each time row is parsed against its own reference time, never against the clock.
"""

import argparse
import calendar
import csv
import datetime
import importlib.metadata
import json
import math
import os
import re
import sys
import time

import dateparser
from dateparser.search import search_dates
from price_parser import Price
from price_parser._currencies import CURRENCIES  # price-parser's own currency table

TIME_FILES = ["duckling_time_en.tsv", "duckling_time_en_locales.tsv", "duckling_time_es_pt.tsv"]
NEGATIVE_FILE = "duckling_time_negative.tsv"
MONEY_FILE = "duckling_money.jsonl"

# duckling_time_negative.tsv has no reference time column: Duckling tests those texts against
# its usual test context, the one nearly every other row uses as well.
DEFAULT_REF_TIME = "2013-02-12T04:30:00-02:00"

# English regions that write dates month first; every other en_XX region writes day first.
MDY_REGIONS = {"US", "CA", "PH"}


# --------------------------------------------------------------------------------------------
# Reading the corpus


def read_tsv(path):
    """Yield (line number, row dict) for each data row; the header is line 1.

    Each line is parsed on its own with csv's default (minimal) quoting, so a quoted field with
    a doubled quote (the corpus's `in 1"`, one second) is unquoted, while line numbers stay
    exact."""
    with open(path, encoding="utf-8", newline="") as handle:
        lines = handle.read().split("\n")
    header = next(csv.reader([lines[0]], delimiter="\t"))
    for number, line in enumerate(lines[1:], start=2):
        if not line:
            continue
        fields = next(csv.reader([line], delimiter="\t"))
        yield number, dict(zip(header, fields))


def read_jsonl(path):
    """Yield (line number, object) for each non-empty line (first line is line 1)."""
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, json.loads(line)


# --------------------------------------------------------------------------------------------
# Dates and times: dateparser


def time_settings(lang, ref_time):
    """dateparser settings for a row: its reference time as a naive local datetime, the fixed
    UTC offset of that reference time as the time zone, aware results, future preferred, the
    first day of the month for a month alone, and for en_XX the region's date order."""
    ref = datetime.datetime.fromisoformat(ref_time)
    offset = ref.utcoffset() or datetime.timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    minutes = abs(minutes)
    settings = {
        "RELATIVE_BASE": ref.replace(tzinfo=None),
        "PREFER_DATES_FROM": "future",
        "TIMEZONE": f"{sign}{minutes // 60:02d}{minutes % 60:02d}",  # e.g. "-0200"
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DAY_OF_MONTH": "first",
    }
    # Only en_XX rows name a region. Plain "en", "es" and "pt" keep dateparser's own order for
    # the language (MDY for en, which is also what Duckling's default English corpus expects;
    # DMY for es and pt).
    if "_" in lang:
        language, region = lang.split("_", 1)
        if language == "en":
            settings["DATE_ORDER"] = "MDY" if region.upper() in MDY_REGIONS else "DMY"
    return settings


def language_of(lang):
    """dateparser wants the bare language: en_AU -> en."""
    return lang.split("_", 1)[0].lower()


def describe_dates(found):
    """A short text for what search_dates returned."""
    if not found:
        return "no date"
    return "; ".join(f"{text!r} -> {value.isoformat()}" for text, value in found[:4]) + (
        f" (+{len(found) - 4} more)" if len(found) > 4 else ""
    )


EXPECTED_TIME = re.compile(
    r"^(-?\d+)-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.\d+)?(Z|[+-]\d\d:?\d\d)$"
)


def expected_time(text):
    """The corpus's start or end as an aware datetime; None when empty or not representable.

    The flattened corpus keeps Duckling's own tuples, some of which write a month or day of 0
    (the es/pt corpora: "el año pasado" -> 2012-00-00, "el mes que viene" -> 2013-03-00).
    Duckling builds them with Haskell's fromGregorian, which clips each field into range, so
    month 0 is January and day 0 the 1st: the same clipping is done here. Years before 1 AD
    ("in 2014 B.C." -> -2014) have no Python datetime: such a row cannot pass."""
    match = EXPECTED_TIME.match(text) if text else None
    if not match:
        return None
    year, month, day, hour, minute, second = (int(group) for group in match.groups()[:6])
    if year < 1 or year > 9999:
        return None
    month = min(max(month, 1), 12)
    day = min(max(day, 1), calendar.monthrange(year, month)[1])
    zone = match.group(7)
    if zone == "Z":
        tz = datetime.timezone.utc
    else:
        sign = -1 if zone[0] == "-" else 1
        digits = zone[1:].replace(":", "")
        tz = datetime.timezone(sign * datetime.timedelta(hours=int(digits[:2]), minutes=int(digits[2:])))
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=tz)


def judge_time(row):
    """(pass, got) for one row of a duckling_time_*.tsv file."""
    start, end = expected_time(row["start"]), expected_time(row["end"])
    found = search_dates(
        row["text"],
        languages=[language_of(row["lang"])],
        settings=time_settings(row["lang"], row["ref_time"]),
    ) or []
    got = describe_dates(found)
    if (row["start"] and start is None) or (row["end"] and end is None):
        return False, got + " (expected time not representable in Python)"
    # Aware datetimes compare as instants, whatever their offsets.
    dates = [value for _, value in found]
    kind = row["kind"]
    if kind == "value":
        if not found:
            return False, got
        # The match whose matched substring is longest (the first of equals: deterministic).
        text, value = max(found, key=lambda match: len(match[0]))
        # dateparser gives no grain, so only the instant is compared, never Duckling's grain
        # (day, hour, ...): this is generous to dateparser. Note that it fills the fields a text
        # leaves out from the reference time ("tomorrow" -> tomorrow at 04:30), where Duckling
        # gives the start of the unit (00:00), so such rows fail on the instant.
        return value == start, f"{text!r} -> {value.isoformat()}"
    if kind == "interval":
        # dateparser returns single datetimes, not intervals: an interval passes only when the
        # text yields two dates, one equal to the start and another equal to the end (as
        # "from X to Y" may). Duckling's ends are exclusive (the end of the last unit: "4pm for
        # 30 mins" ends at 16:31, "3-5pm" at 18:00), which dateparser's literal bounds rarely
        # equal.
        for i, first in enumerate(dates):
            for j, second in enumerate(dates):
                if i != j and first == start and second == end:
                    return True, got
        return False, got
    if kind == "open_after":
        # "after X": passes if any returned date equals the start.
        return any(value == start for value in dates), got
    if kind == "open_before":
        # "before X": the corpus writes the bound in its start column (the end is empty).
        return any(value == start for value in dates), got
    return False, f"unknown kind {kind!r}"


def judge_negative(row):
    """(pass, got) for a duckling_time_negative.tsv row: it must yield no time at all."""
    found = search_dates(
        row["text"],
        languages=[language_of(row["lang"])],
        settings=time_settings(row["lang"], DEFAULT_REF_TIME),
    )
    return not found, describe_dates(found)


# --------------------------------------------------------------------------------------------
# Money: price-parser

# The corpus calls the Spanish peseta PTS; its ISO code (and price-parser's) is ESP.
CODE_ALIASES = {"PTS": "ESP"}

# Usual symbols that price-parser's table does not list under the code (its table gives "$"
# as the native symbol of CAD, AUD, ... but US$ under no code, for instance).
EXTRA_SYMBOLS = {
    "USD": ["$", "US$", "U$S"],
    "EUR": ["€", "euro", "euros", "eur"],
    "GBP": ["£", "UK£"],
    "EGP": ["E£", "LE", "L.E", "L.E."],
    "INR": ["Rs", "Rs.", "₹", "₨"],
    "CNY": ["¥", "RMB", "元", "CN¥"],
    "CHF": ["Fr.", "SFr", "SFr."],
    "BRL": ["R$"],
    "LBP": ["LB£", "L.L."],
    "ILS": ["₪", "NIS"],
    "UAH": ["₴", "грн", "грн."],
    "MNT": ["₮"],
    "BGN": ["лв", "лв."],
}

# Currencies whose name contains "dollar" in price-parser's table (USD, CAD, AUD, NZD, JMD,
# TTD, BZD, HKD, SGD, ...): the corpus's ambiguous "Dollar" accepts "$" or any of them.
DOLLAR_CODES = sorted(code for code, info in CURRENCIES.items() if "dollar" in info["n"].lower())


def normalize_symbol(symbol):
    """Compare currency strings without case, surrounding spaces or a trailing period."""
    return symbol.strip().rstrip(".").casefold()


def symbols_of(code):
    """Every string that stands for an ISO code: the code itself, price-parser's symbols for
    it (main, native, others) and the usual ones above."""
    symbols = {code}
    info = CURRENCIES.get(code)
    if info:
        symbols.update([info["s"], info["sn"], *info.get("sn2", [])])
    symbols.update(EXTRA_SYMBOLS.get(code, []))
    return {normalize_symbol(symbol) for symbol in symbols if symbol}


def codes_matching(name_part):
    """ISO codes whose price-parser name contains a word (e.g. "dinar")."""
    return [code for code, info in CURRENCIES.items() if name_part in info["n"].lower()]


# The corpus's ambiguous currency names, as sets of acceptable currency strings.
AMBIGUOUS = {
    "Dollar": {"$"}.union(*(symbols_of(code) for code in DOLLAR_CODES)),
    "Pound": {"£"}.union(symbols_of("GBP"), symbols_of("EGP")),
    # Not named in the brief: the same idea, any currency of that name in price-parser's table.
    "Dinar": {"dinar", "dinars"}.union(*(symbols_of(code) for code in codes_matching("dinar"))),
    "Riyal": {"﷼"}.union(*(symbols_of(code) for code in codes_matching("riyal") + codes_matching("rial"))),
    "Rial": {"﷼"}.union(*(symbols_of(code) for code in codes_matching("riyal") + codes_matching("rial"))),
}
AMBIGUOUS = {name: {normalize_symbol(s) for s in symbols} for name, symbols in AMBIGUOUS.items()}

CENT_SYMBOLS = {"¢", "c", "cent", "cents"}


def same_amount(amount, expected):
    return amount is not None and math.isclose(float(amount), float(expected), rel_tol=1e-6)


def judge_money(row):
    """(pass, got) for one duckling_money.jsonl row."""
    price = Price.fromstring(row["text"])
    amount, currency = price.amount, price.currency
    got = f"amount={amount} currency={currency!r}" if amount is not None else (
        f"no amount, currency={currency!r}" if currency else "no amount"
    )
    if row["kind"] != "value":
        # interval / under / above: price-parser returns one amount and has no notion of a range
        # or a bound ("between 10 and 20 dollars", "less than 7 EUR"), so these rows fail.
        return False, got + " (no ranges or bounds)"
    expected, wanted = row["value"], row["currency"]
    symbol = normalize_symbol(currency) if currency else None
    if wanted == "Unnamed":
        # A bare amount: the number with no currency.
        return same_amount(amount, expected) and symbol is None, got
    if wanted == "Cent":
        # The amount in cents: price-parser knows no cent sign or word (it returns 10 and no
        # currency for "10¢"), so it passes only if it yields cents, or the dollar/euro amount.
        if symbol in CENT_SYMBOLS:
            return same_amount(amount, expected), got
        if symbol in AMBIGUOUS["Dollar"] or symbol in symbols_of("EUR"):
            return same_amount(amount, expected / 100), got
        return False, got
    if wanted in AMBIGUOUS:
        return same_amount(amount, expected) and symbol in AMBIGUOUS[wanted], got
    # An ISO code: price-parser's currency must be that code or one of its usual symbols;
    # "$" counts for any dollar code (USD, CAD, AUD, ...).
    code = CODE_ALIASES.get(wanted, wanted)
    accepted = symbols_of(code)
    if code in DOLLAR_CODES:
        accepted = accepted | {"$"}
    return same_amount(amount, expected) and symbol in accepted, got


# --------------------------------------------------------------------------------------------
# eval


def emit(name, line, passed, got):
    print(json.dumps({"file": name, "line": line, "pass": bool(passed), "got": got}, ensure_ascii=False))


def run_judge(judge, row):
    """Any exception counts as a failure, with the exception's name as what was got."""
    try:
        return judge(row)
    except Exception as error:  # noqa: BLE001 - the baseline's own crashes are results too
        return False, type(error).__name__


def command_eval(corpus_dir):
    for name in TIME_FILES:
        for line, row in read_tsv(os.path.join(corpus_dir, name)):
            emit(name, line, *run_judge(judge_time, row))
    for line, row in read_tsv(os.path.join(corpus_dir, NEGATIVE_FILE)):
        emit(NEGATIVE_FILE, line, *run_judge(judge_negative, row))
    for line, row in read_jsonl(os.path.join(corpus_dir, MONEY_FILE)):
        emit(MONEY_FILE, line, *run_judge(judge_money, row))
    sys.stdout.flush()


# --------------------------------------------------------------------------------------------
# bench


def corpus_texts(corpus_dir):
    """(lang, text) for every row of the time (negative included) and money files."""
    texts = []
    for name in TIME_FILES + [NEGATIVE_FILE]:
        texts += [(row["lang"], row["text"]) for _, row in read_tsv(os.path.join(corpus_dir, name))]
    texts += [(row["lang"], row["text"]) for _, row in read_jsonl(os.path.join(corpus_dir, MONEY_FILE))]
    return texts


def file_texts(path, lang):
    """One text per non-empty line of a file: `LANG<tab>TEXT` gives each its language (as
    scripts/bench-extract writes them); a line without a tab is in `lang`."""
    texts = []
    with open(path, encoding="utf-8") as handle:
        for line in handle.read().split("\n"):
            if not line.strip():
                continue
            if "\t" in line:
                language, text = line.split("\t", 1)
                texts.append((language, text))
            else:
                texts.append((lang, line))
    return texts


def time_calls(call, texts, seconds):
    """Call `call(lang, text)` on every text, pass after pass, until at least `seconds` have
    gone by (checked between passes, so every text weighs the same); returns (calls, elapsed).
    An exception counts as a call (its cost is part of the tool's)."""
    calls, errors = 0, 0
    start = time.perf_counter()
    while True:
        for lang, text in texts:
            try:
                call(lang, text)
            except Exception:  # noqa: BLE001
                errors += 1
        calls += len(texts)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    if errors:
        print(f"{errors} calls raised an exception", file=sys.stderr)
    return calls, elapsed


def command_bench(corpus_dir, texts_file, lang, seconds):
    texts = file_texts(texts_file, lang) if texts_file else corpus_texts(corpus_dir)
    base = datetime.datetime.fromisoformat(DEFAULT_REF_TIME).replace(tzinfo=None)
    settings = {"RELATIVE_BASE": base}  # dateparser's defaults otherwise

    def parse_dates(lang, text):
        return search_dates(text, languages=[language_of(lang)], settings=settings)

    def parse_price(lang, text):
        return Price.fromstring(text)

    # Untimed warm-up: dateparser loads each language's data on first use.
    for language in sorted({language_of(l) for l, _ in texts}):
        parse_dates(language, "tomorrow at 5")
    tools = [
        ("dateparser.search_dates", dateparser.__version__, parse_dates),
        ("price_parser.Price.fromstring", importlib.metadata.version("price-parser"), parse_price),
    ]
    for tool, version, call in tools:
        calls, elapsed = time_calls(call, texts, seconds)
        print(json.dumps({
            "tool": tool,
            "version": version,
            "texts": len(texts),
            "seconds": round(elapsed, 3),
            "per_second": round(calls / elapsed, 1),
        }), flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    evaluate = sub.add_parser("eval", help="one JSON line per corpus row")
    evaluate.add_argument("corpus_dir")
    bench = sub.add_parser("bench", help="texts per second of dateparser and price-parser")
    bench.add_argument("corpus_dir", nargs="?")
    bench.add_argument("--seconds", type=float, default=10.0)
    bench.add_argument("--texts", help="a file of texts, one per line, instead of the corpus")
    bench.add_argument("--lang", default="en", help="language of the --texts file (default en)")
    args = parser.parse_args()
    if args.command == "eval":
        command_eval(args.corpus_dir)
    else:
        if not args.corpus_dir and not args.texts:
            parser.error("bench needs CORPUS_DIR or --texts FILE")
        command_bench(args.corpus_dir, args.texts, args.lang, args.seconds)


if __name__ == "__main__":
    main()
