"""Reading a terms-of-use text in the usual Japanese layout into articles and paragraphs.

Pure Python (no Flask, no database): `parse_terms(text)` is used by `flask portal terms import`
to check a document before it becomes a version, and by the terms page to show each article
and paragraph with an anchor (`art-14`, `art-14-3`) that the `clause` filter links to.

The layout (the provider's own terms use it):

    法人向けクラウドサービス利用規約          ← the title: the first non-empty line
    1. 定義                                   ← an article: 「N. 見出し」 (or 「第N条（見出し）」)
    - (1) 「お客様」とは…                     ← a paragraph: 「(M)」, with or without "- "
     - ① …                                    ← an item of that paragraph: ①…⑳
    お客様は、…                               ← any other line continues what came before
    制定/実施 2006年 4月21日                  ← after the last article: the history lines
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

_ARTICLE = re.compile(r"^(?:(\d{1,3})[.．]\s*(\S.*)|第\s*(\d{1,3})\s*条\s*[（(](.+?)[）)]\s*)$")
_PARAGRAPH = re.compile(r"^(?:[-・]\s*)?[（(](\d{1,2})[）)]\s*(.*)$")
_ITEM = re.compile(r"^(?:[-・]\s*)?([①-⑳])\s*(.*)$")
_BULLET = re.compile(r"^[-・]\s*")
_HISTORY = re.compile(r"^(制定|改訂|改定)\s*/?\s*実施")


@dataclass
class Item:
    mark: str
    text: str


@dataclass
class Paragraph:
    number: int
    text: str
    items: list[Item] = field(default_factory=list)


@dataclass
class Article:
    number: int
    heading: str
    intro: list[str] = field(default_factory=list)       # text before its first paragraph
    paragraphs: list[Paragraph] = field(default_factory=list)

    def paragraph(self, number: int) -> Paragraph | None:
        return next((p for p in self.paragraphs if p.number == number), None)


@dataclass
class TermsDocument:
    title: str
    preamble: list[str] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)
    history: list[str] = field(default_factory=list)

    def article(self, number: int) -> Article | None:
        return next((a for a in self.articles if a.number == number), None)


def _clean(line: str) -> str:
    """Runs of spaces (also full-width and tabs) become one; the text itself is kept as written
    (the patterns accept full-width digits, parentheses and stops)."""
    return re.sub(r"[\s\u3000]+", " ", line).strip()


def parse_terms(text: str) -> TermsDocument:
    """Articles (numbered 1, 2, … in order), their paragraphs (M) and items ①…, from `text`.

    Lines that are neither continue the paragraph, item or article intro before them (the
    provider's text wraps sentences onto new lines). Lines before the first article after the
    title are the preamble; history lines (制定/改訂 実施 …) after the last article are kept
    apart. An article number that does not follow the one before is read as text, not as an
    article (a numbered list inside a paragraph). Raises ValueError when no article is found.
    """
    doc = TermsDocument(title="")
    current_item: Item | None = None
    current_para: Paragraph | None = None
    for raw in (text or "").splitlines():
        line = _clean(raw)
        if not line:
            continue
        if not doc.title:
            doc.title = line
            continue
        article = _ARTICLE.match(line)
        number = int(article.group(1) or article.group(3)) if article else 0
        if article and number == len(doc.articles) + 1:
            doc.articles.append(Article(number, (article.group(2) or article.group(4)).strip()))
            current_para = current_item = None
            continue
        if not doc.articles:
            doc.preamble.append(line)
            continue
        if _HISTORY.match(line) or doc.history:
            doc.history.append(line)
            continue
        last = doc.articles[-1]
        paragraph = _PARAGRAPH.match(line)
        if paragraph:
            current_para = Paragraph(int(paragraph.group(1)), paragraph.group(2).strip())
            last.paragraphs.append(current_para)
            current_item = None
            continue
        item = _ITEM.match(line)
        if item and current_para is not None:
            current_item = Item(item.group(1), item.group(2).strip())
            current_para.items.append(current_item)
            continue
        line = _BULLET.sub("", line)
        if current_item is not None:
            current_item.text = _join(current_item.text, line)
        elif current_para is not None:
            current_para.text = _join(current_para.text, line)
        else:
            last.intro.append(line)
    if not doc.articles:
        raise ValueError("no article found: expected lines such as 「1. 定義」 or 「第1条（定義）」")
    return doc


def _join(before: str, after: str) -> str:
    """Join a wrapped line: no space between Japanese characters, one between Latin words."""
    if before and after and before[-1].isascii() and after[0].isascii():
        return f"{before} {after}"
    return before + after


def try_parse(text: str) -> TermsDocument | None:
    """`parse_terms`, or None for a text in no known layout (the page then shows it as is)."""
    try:
        return parse_terms(text)
    except ValueError:
        return None
