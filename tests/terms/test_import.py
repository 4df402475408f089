"""`flask portal terms import`: the provider's terms (the seed file in ../shared/seeds/, read
from there, never copied into the project) become a version with 31 articles whose numbering
matches the clauses the pages cite; the parser's edge cases as a table."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from portal.terms.document import parse_terms
from portal.terms.models import TermsVersion

SEED = Path("/work/shared/seeds/000_cc2a12d6fb307762.txt")
needs_seed = pytest.mark.skipif(not SEED.exists(), reason="the provider's terms are not here")

# Clauses the portal cites (rules, messages, pages) and a word of each, as the seed has them.
CITED = {
    (4, 1): "利用規約を承諾",
    (5, 2): "5 営業日以内",
    (5, 5): "最低利用月数",
    (7, 4): "直ちに弊社にその旨を通知",
    (7, 5): "無償試用",
    (9, 1): "容量・機能の制限",
    (14, 3): None,
    (17, 1): None,
    (31, 5): "IMAGE WORKS PRus は、日本国内のお客様にのみ提供",
}


@needs_seed
def test_parse_the_providers_terms():
    doc = parse_terms(SEED.read_text(encoding="utf-8"))
    assert doc.title == "法人向けクラウドサービス利用規約"
    assert [a.number for a in doc.articles] == list(range(1, 32))
    assert doc.article(14).heading == "お申し込み内容の変更"
    assert doc.article(31).heading == "付則"
    for (article, paragraph), words in CITED.items():
        found = doc.article(article).paragraph(paragraph)
        assert found is not None, (article, paragraph)
        assert words is None or words in found.text, (article, paragraph, found.text[:80])
    assert [p.number for p in doc.article(5).paragraphs] == [1, 2, 4, 5]  # (3) is missing there
    items = doc.article(12).paragraph(2).items
    assert [i.mark for i in items] == list("①②③④⑤⑥⑦⑧⑨")
    assert items[5].text.endswith("通信経路上での傍受、コンピュータウイルスの侵入")  # a wrapped line
    assert doc.history[0].startswith("制定/実施 2006年")
    assert doc.article(30).intro and not doc.article(30).paragraphs


@needs_seed
def test_cli_imports_the_file_as_a_version(app, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["portal", "terms", "import", str(SEED), "--effective", "2026-05-21"])
    assert result.exit_code == 0, result.output
    assert "31 articles" in result.output
    version = db.session.scalar(db.select(TermsVersion))
    assert version.version == "2026-05-21" and version.effective_date == date(2026, 5, 21)
    assert version.title == "法人向けクラウドサービス利用規約"
    assert "IMAGE WORKS PRus は、日本国内のお客様にのみ提供されます。" in version.body

    again = runner.invoke(args=["portal", "terms", "import", str(SEED), "--effective", "2026-05-21"])
    assert again.exit_code != 0 and "exists already" in again.output
    assert db.session.scalar(db.select(db.func.count(TermsVersion.id))) == 1


def test_cli_refuses_a_file_without_articles(app, db, tmp_path):
    path = tmp_path / "memo.txt"
    path.write_text("お知らせ\n本文だけの文書です。\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["portal", "terms", "import", str(path), "--effective", "2026-12-01"])
    assert result.exit_code != 0 and "no article" in result.output
    assert db.session.scalar(db.select(db.func.count(TermsVersion.id))) == 0


@pytest.mark.parametrize("text, expected", [
    # 「N. 見出し」 and 「第N条（見出し）」, full-width digits and parentheses
    ("題\n1. 定義\n(1) あ\n(2) い\n", {1: ("定義", [1, 2])}),
    ("題\n第１条（適用）\n（１）あ\n", {1: ("適用", [1])}),
    ("題\n１．定義\n- （１） あ\n", {1: ("定義", [1])}),
    # a number out of sequence is text, not an article
    ("題\n1. 定義\n(1) 次のとおり\n3. 手順の番号\n", {1: ("定義", [1])}),
    # an article without paragraphs keeps its text as intro
    ("題\n1. 信義誠実\n誠実に履行します。\n", {1: ("信義誠実", [])}),
])
def test_parse_table(text, expected):
    doc = parse_terms(text)
    assert {a.number: (a.heading, [p.number for p in a.paragraphs]) for a in doc.articles} == expected


def test_wrapped_lines_join_without_spaces_in_japanese():
    doc = parse_terms("題\n1. 定義\n(1) 本サービスの\n利用を開始した時点で IMAGE\nWORKS を\n")
    assert doc.article(1).paragraph(1).text == "本サービスの利用を開始した時点で IMAGE WORKS を"


def test_no_article_is_an_error():
    with pytest.raises(ValueError):
        parse_terms("題\n本文\n")


@needs_seed
def test_demo_loads_the_providers_terms_when_the_file_is_there(app, db):
    from portal.demo import load_demo

    before = app.config["DEMO_TERMS_FILE"]
    app.config["DEMO_TERMS_FILE"] = str(SEED)
    try:
        load_demo()
    finally:
        app.config["DEMO_TERMS_FILE"] = before
    version = db.session.scalar(db.select(TermsVersion))
    assert version.effective_date == date(2026, 5, 21)  # the last 改訂/実施 line
    assert len(parse_terms(version.body).articles) == 31


def test_demo_keeps_the_sample_without_the_file(app, db, tmp_path):
    from portal.demo import load_demo

    before = app.config["DEMO_TERMS_FILE"]
    app.config["DEMO_TERMS_FILE"] = str(tmp_path / "absent.txt")
    try:
        load_demo()
    finally:
        app.config["DEMO_TERMS_FILE"] = before
    assert "【サンプル】" in db.session.scalar(db.select(TermsVersion)).body
