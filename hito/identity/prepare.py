"""From the standard person columns to what linkage and screening compare, in DuckDB SQL.

The standard columns are `id, given_names, surnames, birth_date, sex, nationality,
document_type, document_number` (any but id may be missing). What comes out, per record:

- given and surname tokens folded (accents and ñ dropped, lower case, punctuation gone) with the
  particles de, del, la, y… removed: "María de los Ángeles" → maria angeles;
- a married name ("López de Pérez") kept apart from the surnames;
- Spanish-aware phonetic keys of the first given name and both surnames, for blocking;
- the birth date as year, month and day, each missing when unknown, plus the date with day and
  month swapped, and the year with its tens or its units digit left out (for a wrong digit);
- the first given name and first surname as one key, their initials as another (a typing
  slip leaves the first letter alone), and each with the other's initial (`first_halves`, one
  of them mistyped), whichever column each was written in;
- sex, nationality (alpha-2) and a document key (digits without leading zeros).

A value that cannot be read becomes missing and is counted (`unreadable_counts`), never fatal.
Preparation always runs in DuckDB, which streams and spills to disk; the Spark backend reads
its output.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

import pycountry

STANDARD_COLUMNS = (
    "id",
    "given_names",
    "surnames",
    "birth_date",
    "sex",
    "nationality",
    "document_type",
    "document_number",
)
PARTICLES = ("de", "del", "la", "las", "los", "y", "e", "da", "das", "do", "dos", "van", "von")
_PARTICLE_RE = r"\b(" + "|".join(PARTICLES) + r")\b"

FEMALE = ("f", "female", "femenino", "mujer", "fem")
MALE = ("m", "male", "masculino", "hombre", "masc", "h")
UNKNOWN_SEX = ("", "x", "u", "unknown", "desconocido", "otro", "other", "<", "nd", "s/i")


def _fold(expression: str) -> str:
    return (
        "nullif(trim(regexp_replace(lower(strip_accents(coalesce("
        f"cast({expression} as varchar), ''))), '[^a-z0-9]+', ' ', 'g')), '')"
    )


def _without_particles(expression: str) -> str:
    return (
        f"nullif(trim(regexp_replace(regexp_replace({expression}, '{_PARTICLE_RE}', ' ', 'g'), "
        "' +', ' ', 'g')), '')"
    )


def _phonetic(expression: str) -> str:
    """A Spanish reading of a folded name: b/v, c/s/z, ll/y, silent h, qu/k, doubled letters."""
    steps = [
        ("ph", "f"),
        ("ch", "X"),
        ("qu", "k"),
        ("gu([ei])", "G\\1"),
        ("g([ei])", "j\\1"),
        ("c([ei])", "s\\1"),
        ("[cq]", "k"),
        ("z", "s"),
        ("ll", "y"),
        ("y([^aeiou]|$)", "i\\1"),
        ("[vw]", "b"),
        ("h", ""),
    ]
    sql = expression
    for pattern, replacement in steps:
        sql = f"regexp_replace({sql}, '{pattern}', '{replacement}', 'g')"
    for letter in "abdefgijklmnoprstuxy":
        sql = f"regexp_replace({sql}, '{letter}{letter}+', '{letter}', 'g')"
    return f"lower({sql})"


def country_table_rows() -> list[tuple[str, str]]:
    """(code as written, alpha-2) for alpha-2 and alpha-3 codes and the demonyms seen here."""
    rows = []
    for country in pycountry.countries:
        rows.append((country.alpha_2, country.alpha_2))
        rows.append((country.alpha_3, country.alpha_2))
    for name, code in {
        "VENEZUELA": "VE",
        "VENEZOLANA": "VE",
        "VENEZOLANO": "VE",
        "COLOMBIA": "CO",
        "COLOMBIANA": "CO",
        "COLOMBIANO": "CO",
        "PERU": "PE",
        "PERUANA": "PE",
        "PERUANO": "PE",
        "CHILE": "CL",
        "CHILENA": "CL",
        "CHILENO": "CL",
        "HAITI": "HT",
        "HAITIANA": "HT",
        "HAITIANO": "HT",
        "BOLIVIA": "BO",
        "BOLIVIANA": "BO",
        "BOLIVIANO": "BO",
        "ECUADOR": "EC",
        "ECUATORIANA": "EC",
        "ECUATORIANO": "EC",
    }.items():
        rows.append((name, code))
    return rows


def prepare_sql(source: str, target: str, *, extra: tuple[str, ...] = ()) -> str:
    """SQL that creates `target` (prepared records) from `source` (standard columns, varchar).
    Needs the table `hito_country(written, alpha2)` (see `country_table_rows`)."""
    return f"create or replace table {target} as {prepare_select(source, extra=extra)}"


def prepare_select(source: str, *, extra: tuple[str, ...] = ()) -> str:
    """The query behind `prepare_sql`, for reading prepared records without storing them."""
    this_year = dt.date.today().year
    extras = "".join(f", {_fold(f'x.{_q(name)}')} as {_q('x_' + name)}" for name in extra)
    extras_out = "".join(f", {_q('x_' + name)}" for name in extra)
    married = r"regexp_extract(s_fold, '^(.*[a-z0-9]) de ([a-z0-9]+)$', 2)"
    return f"""
with prepared as ({_prepared_select(source, extras, extras_out, married, this_year)})
select *, substr(doc, 1, 6) as doc_head, substr(doc, -5) as doc_tail,
    nullif(array_to_string(list_sort(name_ph), ' '), '') as name_key,
    -- least() and greatest() skip a null: without both names there is no key
    case when g1_ph is not null and s1_ph is not null
         then least(g1_ph, s1_ph) || '|' || greatest(g1_ph, s1_ph) end as first_key,
    case when g1 is not null and s1 is not null
         then least(left(g1, 1), left(s1, 1)) || greatest(left(g1, 1), left(s1, 1)) end
        as initials,
    case when g1_ph is not null and s1_ph is not null
         then [g1_ph || '|' || left(s1, 1), s1_ph || '|' || left(g1, 1)] else [] end
        as first_halves,
    byear // 10 as byear_decade, byear // 100 * 10 + byear % 10 as byear_unit,
    list_distinct(flatten(list_transform(name_ph, lambda a: list_transform(
        list_filter(name_ph, lambda b: b > a), lambda b: a || '|' || b)))) as name_pairs
from (
    select *, list_distinct(list_filter(list_transform(
        list_concat(g_tok, string_split(coalesce(s_all, ''), ' ')),
        lambda t: {_phonetic("t")}), lambda t: t <> '')) as name_ph
    from prepared
)
"""


def _prepared_select(
    source: str, extras: str, extras_out: str, married: str, this_year: int
) -> str:
    return f"""
with folded as (
    select
        cast(x.id as varchar) as id,
        {_fold("x.given_names")} as g_fold,
        {_fold("x.surnames")} as s_fold,
        nullif(trim(cast(x.birth_date as varchar)), '') as b_raw,
        lower(trim(coalesce(cast(x.sex as varchar), ''))) as sex_raw,
        upper(strip_accents(trim(coalesce(cast(x.nationality as varchar), '')))) as nat_raw,
        lower(trim(coalesce(cast(x.document_type as varchar), ''))) as doc_type,
        nullif(trim(coalesce(cast(x.document_number as varchar), '')), '') as doc_raw
        {extras}
    from {source} as x
),
married as (
    select *,
        case when {married} <> '' and {married} not in ({_list(PARTICLES)})
             then {married} end as married
    from folded
),
named as (
    select *,
        {_without_particles("g_fold")} as g_all,
        {
        _without_particles(
            "case when married is null then s_fold "
            "else regexp_replace(s_fold, ' de [a-z0-9]+$', '') end"
        )
    } as s_all
    from married
),
dated as (
    select *,
        case
            when regexp_full_match(b_raw, '\\d{{4}}-\\d{{1,2}}-\\d{{1,2}}')
                then try_strptime(b_raw, '%Y-%m-%d')
            when regexp_full_match(b_raw, '\\d{{1,2}}[/.-]\\d{{1,2}}[/.-]\\d{{4}}')
                then try_strptime(regexp_replace(b_raw, '[/.]', '-', 'g'), '%d-%m-%Y')
            when regexp_full_match(b_raw, '\\d{{8}}') then try_strptime(b_raw, '%Y%m%d')
        end as b_full,
        case
            when regexp_full_match(b_raw, '\\d{{4}}(-\\d{{1,2}})?')
                then try_cast(substr(b_raw, 1, 4) as integer)
        end as b_year_part,
        case
            when regexp_full_match(b_raw, '\\d{{4}}-\\d{{1,2}}')
                then try_cast(substr(b_raw, 6) as integer)
        end as b_month_part
    from named
),
parts as (
    select *,
        case when b_full is not null then year(b_full) else b_year_part end as by0,
        case when b_full is not null then month(b_full)
             when b_month_part between 1 and 12 then b_month_part end as bm,
        case when b_full is not null then day(b_full) end as bd
    from dated
)
select
    id,
    g_all,
    nullif(string_split(coalesce(g_all, ''), ' ')[1], '') as g1,
    nullif(string_split(coalesce(g_all, ''), ' ')[2], '') as g2,
    list_filter(string_split(coalesce(g_all, ''), ' '), lambda t: t <> '') as g_tok,
    s_all,
    nullif(string_split(coalesce(s_all, ''), ' ')[1], '') as s1,
    nullif(string_split(coalesce(s_all, ''), ' ')[2], '') as s2,
    married,
    list_distinct(list_filter(
        list_concat(string_split(coalesce(s_all, ''), ' '), [coalesce(married, '')]),
        lambda t: t <> '')) as s_tok,
    nullif({_phonetic("coalesce(string_split(coalesce(g_all, ''), ' ')[1], '')")}, '') as g1_ph,
    nullif({_phonetic("coalesce(string_split(coalesce(s_all, ''), ' ')[1], '')")}, '') as s1_ph,
    nullif({_phonetic("coalesce(string_split(coalesce(s_all, ''), ' ')[2], '')")}, '') as s2_ph,
    case when by0 between 1900 and {this_year} then by0 end as byear,
    case when by0 between 1900 and {this_year} then bm end as bmonth,
    case when by0 between 1900 and {this_year} then bd end as bday,
    case when by0 between 1900 and {this_year} and bd is not null
         then strftime(b_full, '%Y-%m-%d') end as dob,
    case when by0 between 1900 and {this_year} and bd is not null and bd <= 12
         then printf('%04d-%02d-%02d', by0, bd, bm) end as dob_swap,
    case when sex_raw in ({_list(FEMALE)}) then 'f'
         when sex_raw in ({_list(MALE)}) then 'm' end as sex,
    (select c.alpha2 from hito_country c where c.written = nat_raw) as nat,
    case
        when doc_raw is null then null
        when doc_type = 'pe-dni' and length(regexp_replace(doc_raw, '[^0-9]', '', 'g')) >= 8
            then ltrim(substr(regexp_replace(doc_raw, '[^0-9]', '', 'g'), 1, 8), '0')
        when length(regexp_replace(doc_raw, '[^0-9]', '', 'g')) >= 5
            then nullif(ltrim(regexp_replace(doc_raw, '[^0-9]', '', 'g'), '0'), '')
        else nullif(upper(regexp_replace(doc_raw, '[^A-Za-z0-9]', '', 'g')), '')
    end as doc,
    case when doc_raw is not null then {_kind_case("doc_type")} end as doc_kind,
    -- what could not be read, for the summary
    (b_raw is not null and coalesce(not (by0 between 1900 and {this_year}), true))
        as bad_birth_date,
    (sex_raw not in ({_list(FEMALE + MALE + UNKNOWN_SEX)})) as bad_sex,
    (nat_raw <> '' and (select count(*) from hito_country c where c.written = nat_raw) = 0)
        as bad_nationality
    {extras_out}
from parts
"""


# The kinds of document whose numbers are compared only with their own kind: a passport's
# number says nothing about a national card's. An MRZ is a passport's; a kind written any
# other way (or none) is compared with everything.
DOCUMENT_KINDS = {
    "cl-run": "cl-run", "pe-dni": "pe-dni", "pe-ce": "pe-ce", "ve-cedula": "ve-cedula",
    "co-cedula": "co-cedula", "passport": "passport", "mrz": "passport",
}  # fmt: skip


def _kind_case(column: str) -> str:
    whens = " ".join(f"when '{k}' then '{v}'" for k, v in DOCUMENT_KINDS.items())
    return f"(case {column} {whens} end)"


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _list(values: tuple[str, ...]) -> str:
    return ", ".join("'" + v.replace("'", "''") + "'" for v in values)


def install(connection: Any) -> None:
    """Create what `prepare_sql` needs in a DuckDB connection."""
    connection.execute("create or replace table hito_country (written varchar, alpha2 varchar)")
    connection.executemany(
        "insert into hito_country values (?, ?)", country_table_rows()
    ).fetchall()


def unreadable_counts(connection: Any, table: str) -> dict[str, int]:
    (row,) = connection.execute(
        f"select count(*) filter (bad_birth_date), count(*) filter (bad_sex), "
        f"count(*) filter (bad_nationality) from {table}"
    ).fetchall()
    return {"birth_date": row[0], "sex": row[1], "nationality": row[2]}


# The same preparation in Python, for one record at a time (screening a person, a possible
# match): DuckDB plans the SQL above in ~50 ms, too slow per request. A test keeps the two
# in agreement on thousands of records.
_PARTICLE_PY = re.compile(_PARTICLE_RE)
_MARRIED_PY = re.compile(r"^(.*[a-z0-9]) de ([a-z0-9]+)$")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_PHONETIC_PY = [
    (re.compile("ph"), "f"),
    (re.compile("ch"), "X"),
    (re.compile("qu"), "k"),
    (re.compile("gu([ei])"), r"G\1"),
    (re.compile("g([ei])"), r"j\1"),
    (re.compile("c([ei])"), r"s\1"),
    (re.compile("[cq]"), "k"),
    (re.compile("z"), "s"),
    (re.compile("ll"), "y"),
    (re.compile("y([^aeiou]|$)"), r"i\1"),
    (re.compile("[vw]"), "b"),
    (re.compile("h"), ""),
    *[(re.compile(f"{c}{c}+"), c) for c in "abdefgijklmnoprstuxy"],
]
_COUNTRIES: dict[str, str] = {}


def _fold_py(value: object) -> str | None:
    if value is None:
        return None
    text = unicodedata.normalize("NFD", str(value))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    return _NON_ALNUM.sub(" ", text).strip() or None


def _without_particles_py(value: str | None) -> str | None:
    if value is None:
        return None
    return re.sub(" +", " ", _PARTICLE_PY.sub(" ", value)).strip() or None


def phonetic(value: str | None) -> str | None:
    if not value:
        return None
    for pattern, replacement in _PHONETIC_PY:
        value = pattern.sub(replacement, value)
    return value.lower() or None


def _birth(raw: object) -> tuple[int | None, int | None, int | None, bool]:
    """(year, month, day, unreadable) with the SQL's formats and bounds."""
    text = str(raw).strip() if raw is not None else ""
    if not text:
        return None, None, None, False
    year = month = day = None
    date = None
    if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", text):
        date = _date(*text.split("-"))
    elif re.fullmatch(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}", text):
        d, m, y = re.split(r"[/.-]", text)
        date = _date(y, m, d)
    elif re.fullmatch(r"\d{8}", text):
        date = _date(text[:4], text[4:6], text[6:])
    if date is not None:
        year, month, day = date.year, date.month, date.day
    elif re.fullmatch(r"\d{4}(-\d{1,2})?", text):
        year = int(text[:4])
        if "-" in text and 1 <= int(text[5:]) <= 12:
            month = int(text[5:])
    if year is None or not 1900 <= year <= dt.date.today().year:
        return None, None, None, True
    return year, month, day, False


def _date(year: str, month: str, day: str) -> dt.date | None:
    try:
        return dt.date(int(year), int(month), int(day))
    except ValueError:
        return None


def document_key(number: object, doc_type: object) -> str | None:
    raw = str(number).strip() if number is not None else ""
    if not raw:
        return None
    digits = re.sub(r"[^0-9]", "", raw)
    if str(doc_type or "").strip().lower() == "pe-dni" and len(digits) >= 8:
        return digits[:8].lstrip("0")
    if len(digits) >= 5:
        return digits.lstrip("0") or None
    return re.sub(r"[^A-Za-z0-9]", "", raw).upper() or None


def _document_kind(value: object) -> str | None:
    kind = str(value or "").strip().lower()
    return DOCUMENT_KINDS.get(kind)


def prepare_record(record: dict[str, Any]) -> dict[str, Any]:
    """One record of standard columns → the prepared fields, as `prepare_select` makes them."""
    if not _COUNTRIES:
        _COUNTRIES.update(dict(country_table_rows()))
    g_fold = _fold_py(record.get("given_names"))
    s_fold = _fold_py(record.get("surnames"))
    married = None
    if s_fold and (found := _MARRIED_PY.match(s_fold)) and found.group(2) not in PARTICLES:
        married = found.group(2)
        s_fold = s_fold[: found.start(2) - 4]
    g_all = _without_particles_py(g_fold)
    s_all = _without_particles_py(s_fold)
    g_tok = g_all.split(" ") if g_all else []
    s_parts = s_all.split(" ") if s_all else []
    name_ph = list(dict.fromkeys(filter(None, (phonetic(t) for t in g_tok + s_parts))))
    year, month, day, _ = _birth(record.get("birth_date"))
    sex = str(record.get("sex") or "").strip().lower()
    nationality = str(record.get("nationality") or "").strip()
    nationality = "".join(
        c for c in unicodedata.normalize("NFD", nationality) if not unicodedata.combining(c)
    ).upper()
    prepared = {
        "id": None if record.get("id") is None else str(record["id"]),
        "g_all": g_all,
        "g1": g_tok[0] if g_tok else None,
        "g2": g_tok[1] if len(g_tok) > 1 else None,
        "g_tok": g_tok,
        "s_all": s_all,
        "s1": s_parts[0] if s_parts else None,
        "s2": s_parts[1] if len(s_parts) > 1 else None,
        "married": married,
        "s_tok": sorted(set(s_parts + ([married] if married else []))),
        "g1_ph": phonetic(g_tok[0]) if g_tok else None,
        "s1_ph": phonetic(s_parts[0]) if s_parts else None,
        "s2_ph": phonetic(s_parts[1]) if len(s_parts) > 1 else None,
        "byear": year,
        "bmonth": month,
        "bday": day,
        "dob": f"{year:04d}-{month:02d}-{day:02d}" if day else None,
        "dob_swap": f"{year:04d}-{day:02d}-{month:02d}" if day and day <= 12 else None,
        "sex": "f" if sex in FEMALE else "m" if sex in MALE else None,
        "nat": _COUNTRIES.get(nationality),
        "doc": document_key(record.get("document_number"), record.get("document_type")),
        "doc_kind": _document_kind(record.get("document_type"))
        if str(record.get("document_number") or "").strip()
        else None,
        "doc_head": None,
        "doc_tail": None,
        "name_ph": name_ph,
        "name_key": " ".join(sorted(name_ph)) or None,
        "first_key": None,
        "initials": "".join(sorted((g_tok[0][0], s_parts[0][0]))) if g_tok and s_parts else None,
        "byear_decade": year // 10 if year else None,
        "byear_unit": year // 100 * 10 + year % 10 if year else None,
        "name_pairs": [f"{a}|{b}" for a in name_ph for b in name_ph if b > a],
    }
    first, surname = phonetic(g_tok[0]) if g_tok else None, prepared["s1_ph"]
    prepared["first_halves"] = []
    if first and isinstance(surname, str):
        prepared["first_key"] = "|".join(sorted((first, surname)))
        prepared["first_halves"] = [f"{first}|{s_parts[0][0]}", f"{surname}|{g_tok[0][0]}"]
    doc = prepared["doc"]
    if isinstance(doc, str):
        prepared["doc_head"], prepared["doc_tail"] = doc[:6], doc[-5:]
    return prepared


def match_keys(prepared: dict[str, Any]) -> set[str]:
    """Keys under which a prepared record is found by possible-match searches."""
    keys = set()
    for surname in (prepared["s1"], prepared["s2"], prepared["married"]):
        if surname:
            keys.add(f"s:{phonetic(surname)}")
    if prepared["g1_ph"] and prepared["byear"] is not None:
        keys.add(f"gy:{prepared['g1_ph']}:{prepared['byear']}")
    return {key[:80] for key in keys}
