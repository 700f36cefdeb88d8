"""What the fuzz tests share: hypothesis profiles, counters of the inputs tried, a fingerprint of
every table, and strategies for Vietnamese text.

Profiles (chosen by KEHOACH_HYPOTHESIS_PROFILE, default "ci"):
  ci     150 examples per property, derandomised and without the example database, so every run
         of the suite tries the same inputs and a failure is reproducible from the test alone;
  bench  10,000 examples per property, for `python -m bench.fuzz` (also derandomised;
         KEHOACH_FUZZ_EXAMPLES sets another number);
  dev    1,000 random examples that differ from run to run, to look for new failures.
The API test (generated requests through the whole app) takes API_REQUESTS instead: 100, 1,500
and 500.

A failure found once is kept as an `@example(...)` on its test, so it is tried on every run.
"""

import atexit
import json
import os
from collections import Counter
from pathlib import Path

from django.db import connection
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

PROFILE_ENV = "KEHOACH_HYPOTHESIS_PROFILE"
STATS_ENV = "KEHOACH_FUZZ_STATS"  # a JSON file the counters are written to at exit (bench.fuzz)

_BASE = settings(
    deadline=None,  # the first example pays for imports and caches; timing is bench's business
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    print_blob=True,
)
settings.register_profile("ci", _BASE, max_examples=150, derandomize=True, database=None)
settings.register_profile(
    "bench",
    _BASE,
    max_examples=int(os.environ.get("KEHOACH_FUZZ_EXAMPLES", "10000")),  # fewer for a quick try
    derandomize=True,
    database=None,
    # Shrinking a failure of the bench can take longer than the run: the failing input is
    # reported as found, and a test with the ci profile shrinks it.
    phases=[Phase.explicit, Phase.generate],
)
settings.register_profile("dev", _BASE, max_examples=1_000)
PROFILE = os.environ.get(PROFILE_ENV, "ci")
settings.load_profile(PROFILE)
# Generated API requests (each one a request through the whole app) per profile.
API_REQUESTS = {"ci": 100, "bench": 1_500, "dev": 500}.get(PROFILE, 100)
if PROFILE == "bench" and "KEHOACH_FUZZ_API_REQUESTS" in os.environ:
    API_REQUESTS = int(os.environ["KEHOACH_FUZZ_API_REQUESTS"])

# Inputs tried, by property and by kind of input ("importer", "importer:docx" ...).
COUNTS: Counter[str] = Counter()


def count(*names: str) -> None:
    for name in names:
        COUNTS[name] += 1


def _dump_counts() -> None:
    path = os.environ.get(STATS_ENV)
    if path:
        target = Path(path)
        old = json.loads(target.read_text()) if target.exists() else {}
        merged = Counter(old) + COUNTS
        target.write_text(json.dumps(dict(merged), ensure_ascii=False, indent=1))


atexit.register(_dump_counts)


def table_counts() -> dict[str, int]:
    """Rows in every table of the project, in one query: equal before and after a refused input
    means nothing was written (nor written and deleted again, which would change no count but
    would show in the audit trail's table)."""
    tables = sorted(connection.introspection.django_table_names(only_existing=True))
    quote = connection.ops.quote_name
    sql = " UNION ALL ".join(
        f"SELECT {index}, COUNT(*) FROM {quote(table)}" for index, table in enumerate(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {tables[index]: total for index, total in cursor.fetchall()}


# -- Vietnamese text ----------------------------------------------------------------------------

VIETNAMESE_LETTERS = (
    "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợpqrstuùúủũụưừứửữựvxyỳýỷỹỵ"
)
ALPHABET = (
    VIETNAMESE_LETTERS
    + VIETNAMESE_LETTERS.upper()
    + "0123456789 \t.,;:-–—/()[]*|#%&“”\"'!?+=<>\n"
    + "\u0300\u0301\u0303\u0309\u0323"  # combining tone marks: text typed without NFC
    + "\xa0\u200b\ufeff\x00\x0b\x1b"  # no-break space, zero width, BOM, NUL and controls
    + "©®µ¸¹"  # what TCVN3 text looks like when read as Latin-1
)
PHRASES = (
    "UBND huyện Núi Thành",
    "Phòng Văn hóa và Thông tin",
    "UBND các xã, thị trấn",
    "Xã Tam Xuân I",
    "Tam Xuân 2",
    "Quý II/2024",
    "Thường xuyên",
    "Trước ngày 15/12/2024",
    "Cả năm 2024",
    "Kế hoạch",
    "Số: 125/KH-UBND",
    "Núi Thành, ngày 20 tháng 3 năm 2024",
    "Công ước về quyền trẻ em (CRC)",
    "**II. NHIỆM VỤ VÀ GIẢI PHÁP**",
    "| TT | Nội dung | Đơn vị chủ trì | Thời gian |",
    "đạt 15-20%",
    "100% cán bộ",
    "Cơ Tu",
    "30/02/2024",
    "31/13/2024",
    "99999999999999999999",
    "-1",
    "=SUM(A1:A9)",
    "<script>alert(1)</script>",
)


def vietnamese_text(*, max_size: int = 60) -> st.SearchStrategy[str]:
    """Text mixing Vietnamese letters, punctuation, controls and whole phrases from plans."""
    pieces = st.one_of(
        st.text(alphabet=ALPHABET, max_size=12),
        st.sampled_from(PHRASES),
        st.text(max_size=4),  # any code point, surrogates excluded by hypothesis
    )
    return st.lists(pieces, max_size=max(1, max_size // 8)).map("".join).map(lambda t: t[:max_size])
