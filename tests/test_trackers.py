"""Other trackers' CSV exports in (SPEC §5): Huntr, Simplify, a Notion table, a GitHub tracker, any spreadsheet."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"


def cards(fu) -> dict[str, dict]:
    """Every card by company, as `show --json` has it."""
    listed = json.loads(fu("list", "--all", "--json").out)
    return {c["company"]: json.loads(fu("show", c["id"], "--json").out) for c in listed}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --- Huntr ------------------------------------------------------------------------------------


def test_huntr_import(fu):
    result = fu("import", FIXTURES / "huntr.csv", "--format", "huntr")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "created: 4 cards",
        "updated: nothing",
        "skipped: 1 wishlist (not interviewed yet), 1 applied (not interviewed yet)",
    ]
    found = cards(fu)
    assert set(found) == {"Acme", "Globex", "Initech", "Umbrella"}
    assert (found["Acme"]["role"], found["Acme"]["stage"]) == ("Backend Engineer, Payments", "waiting")
    assert found["Acme"]["interview_at"] == "2026-11-20T15:30:00+00:00"
    assert (found["Globex"]["stage"], found["Globex"]["outcome"]) == ("waiting", "offer")
    assert (found["Initech"]["stage"], found["Initech"]["outcome"]) == ("stay-in-touch", "rejected")
    assert found["Umbrella"]["role"] == 'Platform Engineer, "Core"'
    assert "Salary" not in found["Acme"]["notes"] and "Location: Berlin" in found["Acme"]["notes"]  # '-' is empty
    again = fu("import", FIXTURES / "huntr.csv")  # the header says Huntr: no --format needed
    assert again.out.splitlines()[:2] == ["created: nothing", "updated: nothing"]


def test_huntr_custom_lists_map_by_their_words_and_unknown_ones_are_counted(fu):
    result = fu("import", FIXTURES / "huntr-custom-lists.csv")
    assert result.code == 0, result.err
    assert result.out.splitlines()[:3] == [
        "created: 3 cards",
        "updated: nothing",
        "skipped: 2 with unknown status 'Active Leads'",
    ]
    assert "line 4: cannot read the time 'not a time'" in result.out  # line 2 is the first row
    found = cards(fu)
    assert (found["Gringotts"]["stage"], found["Gringotts"]["outcome"]) == ("waiting", "open")  # Phone Screen
    assert (found["Massive Dynamic"]["stage"], found["Massive Dynamic"]["outcome"]) == ("waiting", "offer")  # OFFERS
    assert (found["Soylent"]["stage"], found["Soylent"]["outcome"]) == ("stay-in-touch", "rejected")
    mapped = fu("import", FIXTURES / "huntr-custom-lists.csv", "--stage-map", "active leads=waiting")
    assert "created: 2 cards" in mapped.out and "Oscorp" in cards(fu)


def test_a_short_huntr_row_is_listed_and_strict_refuses_it(fu, tmp_path, db_path):
    lines = (FIXTURES / "huntr.csv").read_text().splitlines()
    short = tmp_path / "short.csv"
    short.write_text("\n".join([lines[0], "h9,2026-10-01,Only a few,fields", *lines[1:3]]) + "\n")
    result = fu("import", short)
    assert result.code == 0 and "line 2: 22 fields expected, found 4" in result.out
    assert set(cards(fu)) == {"Acme", "Globex"}
    db_path.unlink()
    strict = fu("import", short, "--strict")
    assert strict.code == 1 and "line 2: 22 fields expected" in strict.err and "nothing was imported" in strict.err
    assert not db_path.exists() or json.loads(fu("list", "--all", "--json").out) == []


# --- the fixtures of other trackers ------------------------------------------------------------------


def test_simplify_export(fu):
    result = fu("import", FIXTURES / "simplify.csv")
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "created: 3 cards",
        "updated: nothing",
        "skipped: 1 applied (not interviewed yet), 1 saved (not interviewed yet), 1 with unknown status 'WITHDRAWN'",
        "  (--stage-map 'STATUS=waiting' imports a status; or thank-you, next-round, stay-in-touch, offer, "
        "rejected, skip)",
        "ignored columns: Archived, Date Archived",
    ]
    found = cards(fu)
    acme = found["Acme Robotics"]
    assert (acme["role"], acme["stage"], acme["outcome"]) == ("Backend Engineer", "waiting", "open")
    assert acme["interview_at"] == "2026-11-18T00:00:00+00:00"  # the status date, local midnight (TZ=UTC)
    assert acme["notes"] == (
        "Panel with Priya Raman and Tomás Ortega; asked about queueing\n"
        "Job post: https://jobs.acme-robotics.example/be-412"
    )
    globex = found["Globex Logistics"]
    assert (globex["stage"], globex["outcome"]) == ("stay-in-touch", "rejected")
    # rejected on Nov 2 there; the in-touch list counts from the import (Nov 26), not from Nov 2
    assert globex["stage_entered_at"] == "2026-11-26T10:00:00+00:00" and globex["flags"] == []
    assert found["Soylent Foods"]["stage"] == "waiting"  # 'Interviewing' in any case
    assert fu("import", FIXTURES / "simplify.csv").out.startswith("created: nothing\nupdated: nothing\n")


def test_notion_export(fu):
    result = fu("import", FIXTURES / "notion.csv")
    assert result.code == 0, result.err
    out = result.out.splitlines()
    assert out[:3] == [
        "created: 3 people, 4 cards, 3 links",
        "updated: nothing",
        "skipped: 1 to apply (not interviewed yet), 1 with unknown status 'On Hold'",
    ]
    assert out[-1] == (
        "ignored columns: Priority, Location, Salary Range, Deadline, Next Action, Company Website, "
        "LinkedIn, Tech Stack, Company Type, Interview Rounds, Referral, Referral Source"
    )
    found = cards(fu)
    assert set(found) == {"Wonka Labs", "Tyrell Systems", "Aperture Science", "Cyberdyne"}
    wonka = found["Wonka Labs"]
    assert (wonka["role"], wonka["stage"], wonka["follow_up_on"]) == ("Senior ML Engineer", "waiting", "2026-11-30")
    assert [(p["name"], p["email"], p["relation"]) for p in wonka["people"]] == [
        ("Mei Chen", "mei.chen@wonka.example", "interviewer")
    ]
    tyrell = found["Tyrell Systems"]
    assert (tyrell["round"], tyrell["follow_up_on"]) == (2, "2026-12-02")  # 'December 2, 2026 10:00 AM'
    assert tyrell["notes"].startswith("Second round: pairing on a data pipeline.\nAsked about on-call.\n")
    assert (found["Aperture Science"]["outcome"], found["Aperture Science"]["round"]) == ("offer", 3)
    assert found["Cyberdyne"]["outcome"] == "rejected"


def test_slashed_dates_need_a_date_order(fu, db_path):
    refused = fu("import", FIXTURES / "github-tracker.csv")
    assert refused.code == 1
    assert "line 2: Date Applied: '11/5/2026' could be month/day or day/month" in refused.err
    assert "--date-order mdy" in refused.err and "nothing was imported" in refused.err
    assert not db_path.exists() or json.loads(fu("list", "--all", "--json").out) == []
    result = fu("import", FIXTURES / "github-tracker.csv", "--date-order", "mdy")
    assert result.code == 0, result.err
    assert "skipped: 1 applied (not interviewed yet), 1 with unknown status 'accepted'" in result.out
    found = cards(fu)
    assert found["Vandelay Industries"]["interview_at"] == "2026-11-05T00:00:00+00:00"  # Nov 5, not May 11
    assert (found["Stark Industries"]["stage"], found["Stark Industries"]["outcome"]) == ("waiting", "offer")
    offers = fu("import", FIXTURES / "github-tracker.csv", "--date-order", "mdy", "--stage-map", "Accepted=offer")
    assert "created: 1 card" in offers.out and cards(fu)["Wayne Enterprises"]["outcome"] == "offer"


# --- headers, maps and rows ----------------------------------------------------------------


def write(tmp_path: Path, text: str, name: str = "tracker.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_headers_are_known_whatever_their_case_spacing_or_punctuation(fu, tmp_path):
    path = write(
        tmp_path,
        "EMPLOYER,job_title,Application-Status,Follow Up Date,Contact,E-mail,Salary\n"
        "Acme,Backend Engineer,Onsite,2026-12-03,Jane Doe,jane@acme.example,100k\n",
    )
    result = fu("import", path)
    assert result.code == 0 and "created: 1 person, 1 card, 1 link" in result.out
    assert result.out.splitlines()[-1] == "ignored columns: Salary"
    acme = cards(fu)["Acme"]
    assert (acme["role"], acme["stage"], acme["follow_up_on"]) == ("Backend Engineer", "waiting", "2026-12-03")
    assert [(p["name"], p["email"]) for p in acme["people"]] == [("Jane Doe", "jane@acme.example")]


def test_map_names_a_column_and_stage_map_a_status(fu, tmp_path):
    path = write(
        tmp_path, "Organisation Name,Job,Pipeline,Hiring Manager\nAcme,SRE,Take-home,Ana Lima\nGlobex,SRE,Ghosted,\n"
    )
    unknown = fu("import", path)
    assert unknown.code == 1 and "no company column" in unknown.err and "--map COLUMN=company" in unknown.err
    result = fu(
        "import",
        path,
        "--map",
        "Organisation Name=company",
        "--map",
        "pipeline=status",
        "--map",
        "Hiring Manager=contact",
        "--stage-map",
        "take home=next-round",
        "--stage-map",
        "Ghosted=skip",
    )
    assert result.code == 0, result.err
    assert "skipped: 1 ghosted (skipped by --stage-map)" in result.out
    acme = cards(fu)["Acme"]
    assert (acme["stage"], [p["name"] for p in acme["people"]]) == ("next-round", ["Ana Lima"])


@pytest.mark.parametrize(
    "args, message",
    [
        (["--map", "Company=salary"], "'salary' is not a field"),
        (["--map", "no equals sign"], "write COLUMN=FIELD"),
        (["--stage-map", "Phone Screen=maybe"], "the target one of thank-you, waiting"),
        (["--date-order", "ymd"], "Invalid value for '--date-order'"),
    ],
)
def test_bad_map_options_are_usage_errors(fu, tmp_path, args, message):
    result = fu("import", write(tmp_path, "Company,Status\nAcme,Interview\n"), *args)
    assert result.code == 2 and message in result.err and len(result.err.strip().splitlines()) == 1


def test_a_map_for_a_column_the_file_lacks_is_refused(fu, tmp_path):
    result = fu("import", write(tmp_path, "Company,Status\nAcme,Interview\n"), "--map", "Employer Name=company")
    assert result.code == 1 and "--map names a column the header does not have (employername)" in result.err


def test_bad_rows_are_listed_with_their_line_and_the_rest_imported(fu, tmp_path, db_path):
    path = write(
        tmp_path,
        "Company,Status,Notes,Interview Date,Round\n"
        'Acme,Interview,"two\nlines",2026-11-20 14:00,1\n'  # lines 2-3
        ",Interview,,,\n"  # line 4
        "Globex,Interview,,2026-13-45,\n"  # line 5
        "Initech,Interview,,,second\n"  # line 6
        "Hooli,Offer,,,\n",
    )  # line 7
    result = fu("import", path)
    assert result.code == 0, result.err
    assert result.out.splitlines()[2:] == [
        "not imported: 3 rows that could not be read:",
        "  line 4: the company is empty",
        "  line 5: Interview Date: '2026-13-45' is not a date (try 2026-11-05, Nov 5, 2026 or 5 Nov 2026)",
        "  line 6: Round 'second' is not a round number (1, 2, 3…)",
    ]
    found = cards(fu)
    assert set(found) == {"Acme", "Hooli"} and found["Acme"]["notes"] == "two\nlines"
    assert found["Acme"]["interview_at"] == "2026-11-20T14:00:00+00:00"
    before = sha(db_path)
    strict = fu("import", path, "--strict")
    assert strict.code == 1 and "line 4: the company is empty (--strict); nothing was imported" in strict.err
    assert sha(db_path) == before


def test_two_rows_for_one_card_keep_the_first(fu, tmp_path):
    path = write(tmp_path, "Company,Role,Status\nAcme,SRE,Interview\nacme,sre,Offer\n")
    result = fu("import", path)
    assert "line 3: the same card as line 2" in result.out and cards(fu)["Acme"]["outcome"] == "open"


@pytest.mark.parametrize(
    "written, day",
    [
        ("2026-12-03", "2026-12-03"),
        ("2026/12/03", "2026-12-03"),
        ("Dec 3, 2026", "2026-12-03"),
        ("December 3, 2026 4:30 PM", "2026-12-03"),
        ("3 December 2026", "2026-12-03"),
        ("3rd Dec 2026", "2026-12-03"),
        ("2026-12-03T23:30:00-05:00", "2026-12-04"),  # a time with an offset is that instant, here in UTC
        ("December 3, 2026 → December 5, 2026", "2026-12-03"),  # a Notion range starts the day
    ],
)
def test_common_date_forms(fu, tmp_path, written, day):
    path = write(tmp_path, f'Company,Status,Follow-Up Date\nAcme,Interview,"{written}"\n')
    result = fu("import", path)
    assert result.code == 0 and result.out.startswith("created: 1 card"), result.out + result.err
    assert cards(fu)["Acme"]["follow_up_on"] == day


def test_day_first_dates(fu, tmp_path):
    path = write(tmp_path, "Company,Status,Interview Date\nAcme,Interview,05/11/2026 14:00\n")
    assert fu("import", path, "--date-order", "dmy").code == 0
    assert cards(fu)["Acme"]["interview_at"] == "2026-11-05T14:00:00+00:00"


def test_dates_without_offset_are_local(fu, tmp_path, zone):
    zone("Europe/Zurich")
    path = write(tmp_path, "Company,Status,Interview Date\nAcme,Interview,2026-11-20 14:00\n")
    assert fu("import", path).code == 0
    assert cards(fu)["Acme"]["interview_at"] == "2026-11-20T13:00:00+00:00"


def test_rows_without_a_status_are_counted_and_can_be_mapped(fu, tmp_path):
    path = write(tmp_path, "Company,Role\nAcme,SRE\n")
    assert "skipped: 1 with no status (--stage-map '=waiting' imports them)" in fu("import", path).out
    assert fu("import", path, "--stage-map", "=waiting").out.startswith("created: 1 card")


def test_a_file_that_is_not_utf8_or_not_csv_is_one_line(fu, tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("Company,Status\nZürich AG,Interview\n".encode("latin-1"))
    result = fu("import", latin)
    assert result.code == 1 and "not UTF-8 text" in result.err and len(result.err.splitlines()) == 1
    empty = write(tmp_path, "", "empty.csv")
    assert "the file is empty" in fu("import", empty).err


@pytest.mark.parametrize("sep", [";", "\t"])
def test_a_spreadsheet_saved_with_semicolons_or_tabs_is_read_by_its_header(fu, tmp_path, sep):
    """Spreadsheets where the comma is the decimal mark save CSV with semicolons; some save tabs."""
    path = tmp_path / "jobs.csv"
    rows = [
        ["Company Name", "Job Title", "Status", "Interview Date"],
        ["Acme", f"Engineer{sep} Backend", "Interviewing", "2026-11-20"],
    ]
    path.write_text("\ufeff\n" + "\n".join(sep.join(f'"{c}"' if sep in c else c for c in row) for row in rows) + "\n")
    result = fu("import", path)
    assert result.code == 0 and result.out.startswith("created: 1 card"), result.err
    acme = cards(fu)["Acme"]
    assert (acme["role"], acme["stage"], acme["interview_at"]) == (
        f"Engineer{sep} Backend",
        "waiting",
        "2026-11-20T00:00:00+00:00",
    )


def test_an_offer_imported_from_a_sheet_is_answered_by_an_answer(fu, tmp_path):
    """QA: a card imported as "Offer" asked "respond to the offer" for ever: the log held no offer for
    the answer to follow, and a follow-up then was "too soon"."""
    sheet = write(tmp_path, "Company,Role,Status,Interview Date\nSG,Quant,Offer,2026-11-10\n")
    assert fu("import", str(sheet)).code == 0
    assert json.loads(fu("show", "1", "--json").out)["reasons"][0] == "respond to the offer"
    fu("log", "1", "answer")
    shown = json.loads(fu("show", "1", "--json").out)
    assert shown["reasons"][0] == "close the card when it is settled (followup close 1)" and shown["flags"] == []


@pytest.mark.parametrize(
    ("content", "says"),
    [
        # QA: "after line 0": the text is decoded a block ahead of the rows read
        (b"Company,Role\nAcme,SRE\nSoci\xe9t\xe9,Quant\n", "line 3: not UTF-8 text (byte 0xe9)"),  # Latin-1
        ("Company,Role\nAcme,SRE\n".encode("utf-16"), 'the file is UTF-16 text (Excel\'s "Unicode text"), not UTF-8'),
        (b"Company,Role,Status\r\n", "the file has a header line and no rows under it: nothing to import"),
    ],
    ids=["latin-1", "utf-16", "header only"],
)
def test_a_file_that_cannot_be_imported_says_why_in_one_line(fu, tmp_path, db_path, content, says):
    path = tmp_path / "sheet.csv"
    path.write_bytes(content)
    result = fu("import", str(path))
    assert result.code == 1 and result.err.count("\n") == 1 and says in result.err, result.err
    assert not db_path.exists() or "Acme" not in fu("list").out


def test_importing_followups_own_csv_says_contacts_travel_in_json(fu, tmp_path):
    """QA: restoring from the CSV export turned follow-ups done into OVERDUE cards, without a word."""
    fu("add", "Acme", "--at", "yesterday 10:00")
    exported = tmp_path / "cards.csv"
    fu("export", "--format", "csv", "-o", str(exported))
    again = fu("--db", str(tmp_path / "again.db"), "import", str(exported))
    assert again.code == 0 and "note: a CSV carries no contacts or prep items" in again.out


def test_a_card_a_corrected_sheet_changes_is_updated_now(fu, tmp_path):
    """QA: a corrected sheet moved Acme's follow-up a day, but its updated_at, and so the calendar
    event's SEQUENCE, stayed: a subscribed calendar kept the old date."""
    sheet = "Company,Role,Status,Interview Date,Follow Up\nAcme,SRE,Interviewing,2026-11-20,{}\n"
    first = write(tmp_path, sheet.format("2026-12-01"))
    fu("--now", "2026-11-26 10:00", "import", str(first))
    before = json.loads(fu("show", "1", "--json").out)["updated_at"]
    fixed = write(tmp_path, sheet.format("2026-12-02"), "fixed.csv")
    fu("--now", "2026-11-26 11:00", "import", str(fixed))
    after = json.loads(fu("show", "1", "--json").out)
    assert after["follow_up_on"] == "2026-12-02" and after["updated_at"] > before
    fu("--now", "2026-11-26 12:00", "import", str(fixed))  # the same file again changes nothing
    assert json.loads(fu("show", "1", "--json").out)["updated_at"] == after["updated_at"]


def test_a_numeric_date_that_can_only_be_read_one_way_needs_no_date_order(fu, tmp_path):
    """QA: '11/20/2026' asked for --date-order, though 20 cannot be a month; '11/05' still asks."""
    sheet = write(
        tmp_path,
        "Company,Role,Status,Interview Date\nAcme,SRE,Interviewing,11/20/2026\nSG,Quant,Interviewing,20/11/2026\n",
    )
    assert fu("import", str(sheet)).code == 0
    listed = [json.loads(fu("show", card, "--json").out)["interview_at"][:10] for card in ("1", "2")]
    assert listed == ["2026-11-20", "2026-11-20"]
    unclear = write(tmp_path, "Company,Role,Status,Interview Date\nHooli,SRE,Interviewing,11/05/2026\n", "b.csv")
    refused = fu("import", str(unclear))
    assert refused.code == 1 and "could be month/day or day/month" in refused.err


def test_a_card_a_corrected_sheet_moves_entered_its_stage_as_the_sheet_says(fu, tmp_path):
    """QA: Globex, corrected from Rejected to Interviewing, read "waiting 1h" (since the first import)."""
    sheet = "Company,Role,Status,Interview Date\nGlobex,SRE,{},2026-11-04\n"
    fu("--now", "2026-11-26 10:00", "import", str(write(tmp_path, sheet.format("Rejected"))))
    assert json.loads(fu("--now", "2026-11-26 10:00", "show", "1", "--json").out)["stage"] == "stay-in-touch"
    fu("--now", "2026-11-26 11:00", "import", str(write(tmp_path, sheet.format("Interviewing"), "fixed.csv")))
    card = json.loads(fu("--now", "2026-11-26 11:00", "show", "1", "--json").out)
    assert (card["stage"], card["stage_entered_at"]) == ("waiting", "2026-11-04T00:00:00+00:00")
    assert "waiting 22d" in fu("--now", "2026-11-26 11:00", "list").out


def test_a_sheets_shorthand_dates_are_read(fu, tmp_path):
    """QA: 'Nov 24' (no year), '2026-11-23 2pm' and 'Thursday Nov 26 2026' were each "not a date"."""
    sheet = write(
        tmp_path,
        "Company,Role,Status,Interview Date\n"
        "Hooli,SRE,Interviewing,Nov 24\n"
        "Pied Piper,CTO,Interviewing,2026-11-23 2pm\n"
        "Stark,Eng,Interviewing,Thursday Nov 26 2026\n"
        "Wayne,Eng,Interviewing,Apr 3\n"  # ahead by more than 90 days on Nov 26: the one that passed
        "Acme,Eng,Interviewing,2026-11-23 2\n",  # an hour alone is not a time
    )
    result = fu("--now", "2026-11-26 10:00", "import", str(sheet))
    assert "line 6: Interview Date: '2026-11-23 2' is not a date" in result.out
    times = {c["company"]: c["interview_at"] for c in map(json.loads, _shown(fu))}
    assert times == {
        "Hooli": "2026-11-24T00:00:00+00:00",
        "Pied Piper": "2026-11-23T14:00:00+00:00",
        "Stark": "2026-11-26T00:00:00+00:00",
        "Wayne": "2026-04-03T00:00:00+00:00",
    }


def _shown(fu) -> list[str]:
    return [fu("show", str(n), "--json").out for n in range(1, 5)]
