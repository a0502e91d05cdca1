"""Notes in voices the earlier probes did not try (issue 11, fourth probe): a teenage child
writing for a parent, English as a second language, long diary entries with the sign in the
middle, lists with bullets and emoji, clock times, hedging, a sign that is over against one
that goes on, negations across sentences ("Fever? No."), idioms that are no sign ("dying to
see the kids", "I can't stand the waiting") and quiet notes; and the signs of emergencies
before any site is on record: high calcium with no calcium measured and no bone site, a
blocked vein in the chest (superior vena cava obstruction), a blocked bowel, a high blood
sugar on a PI3K/AKT/mTOR inhibitor.

Each row of `data/voices_s11.csv` must raise exactly the red-flag kinds it lists, each with
its urgency (the harness: `voices_harness`). The first 178 rows were written before any fix:
60 were wrong on the code before this probe (42 missed an emergency or raised it too low, 17
were false alarms only, 1 a wrong urgency), 2 after the fixes. Then 24 more (class `after`),
written after those fixes and before running them: 5 were wrong (3 missed, 2 false alarms),
fixed by rule; 11 of them were wrong on the code before this probe. The review of the eleventh wave
added 6 more `after` rows on a dry mouth: read as thirst, a dry mouth with being sick (common
on chemotherapy) raised the high-calcium call; 2 of the 6 were wrong before `dry_mouth` was
split from `very_thirsty` (it still counts towards high blood sugar). One expectation was
changed after the first run, on reflection: "she is talking wrong things" is saying the
wrong words, a change in speech (Cancer.Net), so it raises `neurological_change` as well as
`new_confusion`.

"My head is killing me" is read as a bad headache, not an idiom: it is the everyday way to
say a severe headache, which Cancer.Net lists as a reason to call (call now, not emergency).
"""

from __future__ import annotations

import pytest

from nextline.assess import assess_status
from nextline.knowledge import Knowledge
from tests.assess.builders import make_record
from tests.assess.voices_harness import AS_OF, assert_varied, expected, flags, params, read_rows

ROWS = read_rows("voices_s11.csv")
# Rows still read wrong (strict xfail: a row that starts passing must be moved out), and why.
OPEN = {
    "not sure if this is a fit or just a shiver, my arm was jerking for a minute": "the "
    "harmless guess offered ('or just a shiver') is read as a sign too: a chill, so a fever "
    "call is added to the seizure emergency; the reader does not tell a guess at the cause "
    "from a sign",
    "I nearly fainted when I saw the parking charge": "a near-faint said as a figure of "
    "speech cannot be told from a real one by its words ('nearly fainted when I saw the "
    "needle' is real); on ribociclib the safety net asks",
}


def test_the_table_is_varied_enough() -> None:
    assert_varied(ROWS, OPEN, quiet=3)


@pytest.mark.parametrize("row", params(ROWS, OPEN))
def test_note_raises_exactly_its_flags(kb: Knowledge, row: dict[str, str]) -> None:
    assert flags(kb, row) == expected(row)


def test_a_bone_site_is_named_as_support_for_high_calcium_signs(kb: Knowledge) -> None:
    """The signs raise the flag alone; a bone site, when known, is named as support."""
    note = [{"date": "2024-03-09", "notes": "so thirsty and I've been sick three times"}]
    bone = [{"site": "bone", "since": "2024-01-01"}]
    alone = make_record(kb, AS_OF, symptoms=note)
    supported = make_record(kb, AS_OF, symptoms=note, metastases=bone)
    for record, support in ((alone, ()), (supported, ("known cancer in the bone",))):
        hit = next(
            f
            for f in assess_status(record, kb, AS_OF).red_flags
            if f.kind == "possible_hypercalcemia"
        )
        assert (hit.urgency, hit.supported_by) == ("call_now", support)
