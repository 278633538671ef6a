"""`dutybot import`, `dutybot units`, `dutybot groups` through the real command line (issue 4)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from scheduling.dates.statutory import load_statutory
from tests.cli_support import migrated_cli_database, run
from tests.import_support import ALL_SEEDS, SEED_004, revised_004, write


@pytest.fixture(autouse=True)
def database(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A fresh, migrated SQLite database in a clean environment."""
    return migrated_cli_database(monkeypatch, tmp_path)


def row_counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as connection:
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return {t: connection.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def test_json_has_plans_items_rules_units_and_groups(
    capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    code, out, _err = run(capsys, "import", str(SEED_004), "--json")
    assert code == 0
    data: dict[str, Any] = json.loads(out)
    [plan] = data["plans"]
    assert (plan["title"], plan["issuer"], plan["year_from"], plan["year_to"]) == (
        "2019年度全县法治政府建设工作计划",
        "宝应县人民政府",
        2019,
        2019,
    )
    assert len(plan["items"]) == 38
    item = plan["items"][3]
    assert {
        "number",
        "section",
        "text",
        "lead_units",
        "responsible_units",
        "review",
        "rules",
    } <= set(item)
    assert item["number"] == "4" and item["section"] == [
        "一、深化行政管理体制改革，促进政府职能转变"
    ]
    assert item["responsible_units"] == [
        "县委编办",
        "县司法局",
        "县行政审批局",
        "各镇办",
        "县直有关部门",
    ]
    [rule] = item["rules"]
    assert (rule["kind"], rule["phrase"], rule["params"]["due"]) == (
        "one_off",
        "10月底前",
        "2019-10-31",
    )
    assert rule["explain"] == "10月底前 → 2019年10月31日前（年份取自计划）", "default locale zh_CN"
    units = {unit["name"]: unit for unit in data["units"]}
    assert units["县交通运输局"]["aliases"] == ["县交运局"]
    assert units["县交通运输局"]["kind"] == "department"
    groups = {group["name"]: group for group in data["groups"]}
    assert "县公安局" in groups["各行政执法部门"]["members"]
    assert "县教育局" in groups["各行政执法部门"]["members"], "education enforces law too (#16)"
    assert "县法院" not in groups["各行政执法部门"]["members"]
    assert groups["县直有关部门"]["members"] == [] and groups["县直有关部门"]["needs_members"]
    statutory = len(load_statutory())  # planned with the import, as a running bot would
    assert row_counts(database)["duties"] == 38 + statutory


def test_dry_run_writes_nothing(capsys: pytest.CaptureFixture[str], database: Path) -> None:
    before = row_counts(database)
    code, out, _err = run(capsys, "import", *map(str, ALL_SEEDS), "--dry-run")
    assert code == 0
    assert "dry run" in out and "nothing was written" in out and "352 items" in out
    assert row_counts(database) == before
    code, out, _err = run(capsys, "import", str(SEED_004), "--dry-run", "--json")
    assert code == 0 and json.loads(out)["dry_run"] is True
    assert row_counts(database) == before


def test_summary_shows_each_plan_and_what_a_revision_changes(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _err = run(capsys, "import", *map(str, ALL_SEEDS))
    assert code == 0
    assert out.count("(new plan)") == 7
    assert "杨陵区“法治杨陵”建设工作方案" in out and "period   2016–2020" in out
    assert "No lead or responsible unit is named. — items 1, 2, 3" in out
    assert "does not follow the previous item's number" in out
    assert "imported: 7 plans, 352 items" in out
    code, out, _err = run(capsys, "import", *map(str, ALL_SEEDS))
    assert code == 0 and "nothing changed" in out and "0 added · 0 changed · 0 removed" in out
    revised = write(tmp_path, "004_revised.txt", revised_004())
    code, out, _err = run(capsys, "import", str(revised))
    assert code == 0
    assert "1 added · 1 changed · 1 removed · 36 unchanged" in out
    assert "~ 4 (text) 推进行政权力清单标准化建设" in out
    assert "- 5 深化党政一体法律顾问工作作用发挥" in out
    assert "+ 4 建立规范性文件动态清理机制" in out


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("empty.txt", b"", "The file is empty."),
        ("image.docx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "not a valid Office"),
        ("junk.txt", b"\xff\xfe\x00\x81\x82\x83abc\x90\x91", "not valid UTF-8, GBK or GB18030"),
        ("hello.txt", "你好，这里没有任何编号的任务。\n".encode(), "No numbered tasks"),
        ("binary.bin", bytes(range(256)) * 8, "binary data"),
    ],
)
def test_bad_input_ends_in_one_line_exit_2_and_writes_nothing(
    capsys: pytest.CaptureFixture[str],
    database: Path,
    tmp_path: Path,
    name: str,
    data: bytes,
    message: str,
) -> None:
    before = row_counts(database)
    bad = write(tmp_path, name, data)
    code, out, err = run(capsys, "import", str(SEED_004), str(bad))
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"dutybot: {bad}: ") and message in err
    assert row_counts(database) == before


def test_a_missing_path_or_bad_year_is_one_line(
    capsys: pytest.CaptureFixture[str], database: Path, tmp_path: Path
) -> None:
    before = row_counts(database)
    code, _out, err = run(capsys, "import", str(tmp_path / "nope.txt"))
    assert (code, err) == (2, f"dutybot: {tmp_path / 'nope.txt'}: no such file.\n")
    code, _out, err = run(capsys, "import", str(SEED_004), "--plan-year", "19")
    assert code == 2 and err.count("\n") == 1 and "--plan-year" in err
    assert row_counts(database) == before


def test_units_and_groups_listing_and_editing(
    capsys: pytest.CaptureFixture[str], database: Path
) -> None:
    # one jurisdiction for all five seeds: their units merge by name as in one office's book
    assert main(["import", "--jurisdiction", "某县", *map(str, ALL_SEEDS)]) == 0
    code, out, _err = run(capsys, "units")
    assert code == 0 and "县交通运输局" in out and "县交运局" in out and "93 units" in out
    code, out, _err = run(capsys, "units", "--review")
    assert code == 0 and "县交通运输局" not in out
    assert "group without members 县直有关部门" in out

    code, out, _err = run(capsys, "groups", "add", "县各相关部门", "县司法局", "县教育局")
    assert code == 0 and "县司法局, 县教育局 added to 县直有关部门" in out
    code, out, _err = run(capsys, "groups", "remove", "各行政执法部门", "县公安局")
    assert code == 0 and "县公安局 removed from 各行政执法部门" in out
    assert main(["import", *map(str, ALL_SEEDS)]) == 0
    code, out, _err = run(capsys, "import", str(SEED_004), "--json")
    groups = {group["name"]: group["members"] for group in json.loads(out)["groups"]}
    assert "县公安局" not in groups["各行政执法部门"], "a removal sticks across imports"
    assert groups["县直有关部门"] == ["县司法局", "县教育局"]
    code, out, _err = run(capsys, "groups")
    assert code == 0 and "县直有关部门" in out and "picked by the coordinator" in out

    code, out, _err = run(capsys, "units", "alias", "县交通局", "县交通运输局")
    assert code == 0 and "县交通局 is a spelling of 县交通运输局" in out
    code, _out, err = run(capsys, "units", "alias", "县交通局", "县交通")
    assert code == 2 and err.startswith("dutybot: unknown unit '县交通'") and "县交通运输局" in err
    code, _out, err = run(capsys, "groups", "add", "无此组", "县司法局")
    assert (code, err) == (2, "dutybot: unknown group '无此组'; see `dutybot groups`\n")


def test_review_at_the_command_line_gives_units_merges_and_leaves_out(
    capsys: pytest.CaptureFixture[str],
    database: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`dutybot import --review`: the chat's decisions, typed at the terminal."""
    plan = tmp_path / "普法计划.txt"
    plan.write_text(
        "2027年度某县普法工作计划\n一、工作任务\n"
        "1、开展宪法宣传周活动。（责任单位：县司法局）\n"
        "2、组织执法人员培训。（责任单位：县司法）\n"
        "3、编印普法读本。\n"
        "4、其他工作。\n",
        encoding="utf-8",
    )
    answers = iter(["1", "县教育局、县司法局", "l"])
    monkeypatch.setattr("builtins.input", lambda _prompt="": next(answers))
    code, out, _err = run(capsys, "import", "--review", "--json", str(plan))
    assert code == 0, out
    data = json.loads(out[out.index("{") :])
    [parsed] = data["plans"]
    items = {item["number"]: item for item in parsed["items"]}
    assert set(items) == {"1", "2", "3"}, "item 4 was left out"
    assert items["2"]["lead_units"] == [] and items["2"]["responsible_units"] == ["县司法局"]
    assert items["3"]["lead_units"] == ["县教育局", "县司法局"]
    with sqlite3.connect(database) as connection:
        aliases = {row[0] for row in connection.execute("SELECT alias FROM unit_aliases")}
    assert "县司法" in aliases, "the merged spelling is kept as an alias"
