"""Shareable ledgers: names gone, ids keyed pseudonyms, the same scorecard, the salt kept apart."""

from __future__ import annotations

import hashlib
import hmac
import zipfile

import pytest

from workbench import cli, paths
from workbench.anonymise import PEOPLE, anonymise, pseudonym, read_salt
from workbench.indicators import figures
from workbench.ledger_io import read_ledger
from workbench.rubric import builtin_rubrics, load_rubric
from workbench.schema import split_refs
from workbench.scorecard import scorecard

SALT = b"a-secret-salt-of-the-street-office"


@pytest.fixture(scope="module")
def sample():
    return read_ledger(paths.SAMPLE_LEDGER)


@pytest.fixture(scope="module")
def shared(sample):
    return anonymise(sample, salt=SALT)


def people_names(ledger) -> set[str]:
    return {n for sheet in PEOPLE for n in ledger[sheet]["name"].dropna()}


def workbook_text(path) -> str:
    """Every XML part of an .xlsx, decoded: what anyone unzipping the file can read."""
    with zipfile.ZipFile(path) as book:
        return "".join(book.read(name).decode("utf-8") for name in book.namelist())


def test_the_pseudonym_is_the_keyed_hash_of_the_id():
    expected = hmac.new(SALT, b"M001", hashlib.sha256).hexdigest()[:16]
    assert pseudonym("M001", salt=SALT) == expected
    assert pseudonym("M001", salt=SALT) != pseudonym("M001", salt=SALT + b"x")


def test_names_are_blank_and_ids_are_replaced(sample, shared):
    assert people_names(sample)  # the sample does name people
    for sheet in PEOPLE:
        assert shared[sheet]["name"].isna().all()
        assert set(shared[sheet]["id"]).isdisjoint(sample[sheet]["id"])
        assert shared[sheet]["id"].tolist() == [pseudonym(i, salt=SALT) for i in sample[sheet]["id"]]
        assert shared[sheet]["birth_year"].equals(sample[sheet]["birth_year"])
    assert shared.members["occupation"].equals(sample.members["occupation"])


def test_references_to_people_follow_their_pseudonyms(sample, shared):
    members = set(shared.members["id"])
    assert set(shared.cadres["member"].dropna()) <= members
    for sheet in ("members", "pipeline"):
        before = sample[sheet]["sponsors"].map(split_refs)
        after = shared[sheet]["sponsors"].map(split_refs)
        assert sum(map(len, after)) == sum(map(len, before)) > 0
        assert all(set(ids) <= members for ids in after)
        assert after.tolist() == [[pseudonym(i, salt=SALT) for i in ids] for ids in before]


def test_the_same_salt_gives_the_same_ledger_and_another_salt_another(sample, shared):
    assert anonymise(sample, salt=SALT).equals(shared)
    other = anonymise(sample, salt=SALT[::-1])
    assert set(other.members["id"]).isdisjoint(shared.members["id"])


def test_everything_but_people_is_unchanged(sample, shared):
    for sheet in ("street", "communities", "units", "party_orgs", "activities", "cobuilding"):
        assert shared[sheet].equals(sample[sheet]), sheet


@pytest.mark.parametrize("rubric", builtin_rubrics())
def test_the_anonymised_ledger_scores_the_same(sample, shared, rubric):
    assert figures(shared).equals(figures(sample))
    before, after = scorecard(sample, load_rubric(rubric)), scorecard(shared, load_rubric(rubric))
    assert after.table.equals(before.table)


@pytest.mark.parametrize("salt", [b"", b"short"])
def test_a_missing_or_short_salt_is_refused(sample, salt):
    with pytest.raises(ValueError, match="salt"):
        anonymise(sample, salt=salt)


def test_the_salt_comes_from_a_file_or_the_environment(tmp_path):
    salt_file = tmp_path / "salt.txt"
    salt_file.write_text("  file-salt-0123456789abcdef\n")
    assert read_salt(salt_file, env={}) == b"file-salt-0123456789abcdef"
    assert read_salt(env={"WORKBENCH_SALT": "env-salt-0123456789abcdef"}) == b"env-salt-0123456789abcdef"
    with pytest.raises(ValueError, match="WORKBENCH_SALT"):
        read_salt(env={}, lang="en")
    with pytest.raises(FileNotFoundError):
        read_salt(tmp_path / "nowhere.txt")


# --- the command ------------------------------------------------------------------------------


def test_the_command_writes_a_shareable_workbook(tmp_path, sample, capsys):
    salt_file, out = tmp_path / "salt.txt", tmp_path / "shared.xlsx"
    original = paths.SAMPLE_LEDGER.read_bytes()
    assert cli.main(["anonymise", "--new-salt-file", str(salt_file)]) == 0
    assert salt_file.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert (
        cli.main(["anonymise", str(paths.SAMPLE_LEDGER), "--out", str(out), "--salt-file", str(salt_file)])
        == 0
    )
    people = sum(len(sample[sheet]) for sheet in PEOPLE)
    assert f"{people} 人改用化名" in capsys.readouterr().out

    back = read_ledger(out)  # still a valid ledger
    assert back.equals(anonymise(sample, salt=read_salt(salt_file)))
    text = workbook_text(out)
    leaked = [name for name in people_names(sample) if name in text]
    assert leaked == []
    assert salt_file.read_text().strip() not in text
    assert "M001" not in text and "K01" not in text
    assert paths.SAMPLE_LEDGER.read_bytes() == original  # the source is only read


def test_the_command_never_overwrites(tmp_path, capsys):
    salt_file, out = tmp_path / "salt.txt", tmp_path / "shared.xlsx"
    salt_file.write_text("x" * 32)
    out.write_bytes(b"an earlier file")
    args = ["anonymise", str(paths.SAMPLE_LEDGER), "--out", str(out), "--salt-file", str(salt_file)]
    assert cli.main(args) == 1
    assert out.read_bytes() == b"an earlier file"
    assert cli.main(["anonymise", "--new-salt-file", str(salt_file)]) == 1
    assert salt_file.read_text() == "x" * 32
    assert "不会覆盖" in capsys.readouterr().err


def test_the_command_reads_the_salt_from_the_environment(tmp_path, monkeypatch, sample):
    out = tmp_path / "shared"  # no suffix: a folder of CSV files
    monkeypatch.setenv("WORKBENCH_SALT", SALT.decode())
    assert cli.main(["anonymise", str(paths.SAMPLE_LEDGER), "--out", str(out), "--lang", "en"]) == 0
    assert read_ledger(out).members["id"].tolist() == anonymise(sample, salt=SALT).members["id"].tolist()
    csv_text = "".join(p.read_text(encoding="utf-8-sig") for p in out.glob("*.csv"))
    assert SALT.decode() not in csv_text and "王建国" not in csv_text


def test_the_command_without_a_salt_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("WORKBENCH_SALT", raising=False)
    out = tmp_path / "shared.xlsx"
    assert cli.main(["anonymise", str(paths.SAMPLE_LEDGER), "--out", str(out), "--lang", "en"]) == 1
    assert not out.exists()
    assert "WORKBENCH_SALT" in capsys.readouterr().err
