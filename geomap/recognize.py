"""Recognition: find the spans of a text that name places.

One Aho-Corasick pass of the gazetteer's folded names over the folded text gives
every whole-word match; a match must start with a capital in the original text
(codes such as "US" are matched case-sensitively by a separate expression).
Overlaps go to the leftmost, longest match. Then evidence rules decide about
names that are also common words or personal names.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import ahocorasick

from gazetteer import Gazetteer, Place, fold, name_key
from geomap import lexicon

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# The word before a name, and whether a sentence starts before it, are read backwards over
# the reversed text before the name: anchored there, each is one quick match, where a search
# forwards for a pattern ending at the name tries every position of the window.
_PREV_WORD_REVERSED = re.compile(r"[\s\"'“‘(]*\.?([^\W_]+)")  # a word, maybe a full stop, spaces or quotes
_SENTENCE_START_REVERSED = re.compile(r"[\s\"“”‘’(]*(?:[.!?:;\"“”‘(\[\n]|--|—|–|\d\d[:.]\d\d?(?!\d)"
                                      r"|[-*•·▪][ \t]*\n)")  # and a list's bullet: "- In Aden, ..."
_ONLY_SPACE_REVERSED = re.compile(r"[\s\"“”‘’(]*(?:[-*•·▪][ \t]*)?")  # the text's start, maybe a bullet
_WORD_CHARS = re.compile(r"[^\W_]+")
_NEXT_WORD = re.compile(r"[\s\"'”’)]*([^\W_]+)")
_COMMA_GAP = re.compile(r",[ \t]*")
# Between a place and the region or country that holds it: "Ferozepur, Punjab", and as wire
# copy writes it, "Ferozepur, in Punjab".
_CONTAINER_GAP = re.compile(r",[ \t]*(?:in[ \t]+)?")
_HYPHEN_THEN_CAPITAL = re.compile(r"-[A-Z]")
# English articles: a capital on them, or a name's first word after them, is no proper name's.
_ARTICLE_WORDS = frozenset({"the", "a", "an"})
# A particle elided before a capitalised word: the "d'Ivoire" of "Côte d'Ivoire".
_ELIDED_PARTICLE = re.compile(r"(?i:d|l|dell|nell|sull|all)['’](?=[A-ZÀ-ÖØ-Þ])")
# A middle initial and a surname: "L. Lane" (but not the "D.C." of "Washington D.C.").
_INITIAL_THEN_NAME = re.compile(r"[A-Z]\.[ \t]+[A-Z][a-z]")
# A saint's name, and the possessive and capitalised word that make it a feast's, a church's
# or a school's: "St. Patrick's Day", "St Michael's Catholic School".
_SAINT = re.compile(r"(?:St\.?|Ste\.?|Saint|Sainte)[ \t]")
_POSSESSIVE_THEN_NAME = re.compile(r"['’]s[ \t]+[A-Z]")
# The Arabic article, lower-cased, opens a name in news: "al-Bukamal", "el-Arish".
_ARTICLES = ("al-", "el-")
_ARTICLE_THEN_NAME = re.compile(r" (?:al|el)-[A-Z]")
_BRACKETS = re.compile(r"[()\[\]{}]")
# A name that ends in initials ("Washington D.C"): the full stop after them is the name's.
_ENDS_IN_INITIALS = re.compile(r"(?<![\w.])(?:[A-Z]\.)+[A-Z]\Z")
# Words that open Arabic place names: spring, hill, monastery, village, house, well, mountain,
# market, gate. (Not "Ras" and "Wadi": a cape or a valley is mostly its town's, "Ras Kamboni".)
_ARABIC_KIND_WORDS = frozenset("""Ain Ein Ayn Tal Tall Tell Deir Dayr Kafr Kfar Beit Bayt Bir Jabal Jebel Souq Souk
Suq Bab""".split())
# A Romance particle and a capitalised word after a name go on with it: "Santa Maria do Herval",
# "Ilha Grande de Gurupá", "Charles de Gaulle".
_PARTICLE_THEN_NAME = re.compile(r" (?:de|do|da|dos|das|del|de la|de los|de las|di|della|du|des) [A-ZÀ-ÖØ-Þ]")
# What follows the place a news story opens with: "KYIV, Ukraine (AP) —", "CHARLESTON, W.Va. --",
# "BEIRUT, March 3 (Reuters) -", "NEW DELHI: ...": maybe a region, a date and an agency, then a dash.
_DATELINE_TAIL = re.compile(
    # more places: "BANGKOK/PHNOM PENH, July 24 (Reuters) -", "GAZA CITY / AMMAN"
    r"(?:[ \t]?/[ \t]?[A-Z][\w.]*(?:[ \t]+[A-Z][\w.]*){0,2})*"
    r"(?:,[ \t]*[A-Z][\w.]*(?:[ \t]+(?:(?:of|and|the)[ \t]+){0,2}[A-Z][\w.]*){0,3})?"  # the region or country
    # the date: "July 24", "Nov 9, 2025", "3 March 2025"
    r"(?:,?[ \t]*(?:[A-Z][a-z]{2,8}\.?[ \t]+\d{1,2}|\d{1,2}[ \t]+[A-Z][a-z]{2,8}\.?)(?:,?[ \t]+\d{4})?)?"
    r"[ \t]*(?:(?P<agency>\([^()\n]{1,40}\)[ \t]*)"
    r"|(?P<slashed>\.[ \t]*/[A-Z][\w -]{1,20}/\.?[ \t]*))?"  # TASS's and RIA's: "ENERGODAR, October 3. /TASS/."
    r"(?(slashed)|(?:-{2,3}|[—–\x96\x97]|(?<=[ \t])-|:))[ \t]*(?=[\"“‘']?[A-Z0-9])")  # the story's first word
# (\x96 and \x97 are Windows-1252's dashes in text decoded as Latin-1, as some feeds are.)
# A common word before a number is a designation: "Region 1", "Loop 286", "Lot No. 5".
_NUMBERED = re.compile(r"[ \t]+(?:No\.[ \t]*|#)?\d")
# Compass points written short before a name: "S.E. Portland" is no person's initials.
_COMPASS = re.compile(r"[NS]\.[EW]\.")
# A country's or body's initials before a name: "the U.S. Gulf of Mexico", "U.K. Midlands".
_ABBREVIATION_END = re.compile(r"U\.[SKN]\.")
# A party's initials before a state: "D-Pa.", "R-W. Va.", "DFL-Minn." (but not "X-Men-Pa.").
_PARTY = re.compile(r"(?<![\w-])[A-Z]{1,3}-\Z")
# What is said only of a river or a sea: "the left bank of the Dnipro", "the mouth of the
# Danube", "crossed the Dnipro" (a town of the same name, however big, has no banks).
_WATER_BEFORE = re.compile(r"\b(?:(?:banks?|shores?|mouth|estuary|delta)[ \t]+of|crossed|crossing)[ \t]+the[ \t]+\Z",
                           re.IGNORECASE)
# Places named after a town, a county or a river, and around or beside it, that the gazetteer
# lacks: "Hamilton Township", "St. Clair Twp.", "the Salinas Valley", "Chesapeake Bay",
# "Kharg Island". The whole is the name; the namesake's senses place it.
_NAMED_AFTER_AFTER = re.compile(r"[ \t]+(?:(?P<township>Township\b|Twp\.)|(?:Valley|Bay|Island|Islands|Peninsula)\b)")
# A capitalised word right before a name, not a possessive: a word of the same name ("Sand
# Creek Township"), where "Warren County's Hamilton Township" is not.
_NAME_WORD_BEFORE = re.compile(r"[A-Z][\w.-]*[ \t]\Z")
# A city's offices after its name: the "City" of "Dublin City Council" is the council's.
_CITY_OFFICE_AFTER = re.compile(
    r"[ \t]+(?:Council|Councilman|Councilwoman|Councilmember|Councillor|Hall|Manager|Mayor|Schools?|Public|"
    r"Marshal|Attorney|Clerk|Commission|Commissioner|Police|Board|Government|Administration|Area)\b")
# The ezafe of Persian and Urdu names joins their words: "Lashkar-e-Taiba", "Dasht-e Rewat".
_EZAFE_AFTER = re.compile(r"-[ei][- ][A-Z]")
_EZAFE_BEFORE = re.compile(r"[A-Z][\w'’]*-[ei][- ]?\Z")
# A French particle between hyphens joins two words into one name: "Anse-à-Pitres" is neither
# Anse nor Pîtres (France), "Saut-d'Eau" no Saut; the gazetteer holds the names it knows whole.
_PARTICLES = "à|a|au|aux|de|des|du|en|sur|sous|la|le|les|lès"
_PARTICLE_COMPOUND_AFTER = re.compile(rf"-(?:{_PARTICLES})-[A-Z]|-[dl]['’][A-Z]")
_PARTICLE_COMPOUND_BEFORE = re.compile(rf"[A-Z][\w'’]*-(?:(?:{_PARTICLES})-|[dl]['’])\Z")
# A capitalised word and an Arabic article before a name: the first word of that name.
_NAME_THEN_ARTICLE_BEFORE = re.compile(r"[A-Z][\w'’]*[ \t]+(?:al|el|Al|El)-\Z")
# A military operation's name before a name: "Operation Swords of Iron", "Operation Olive Branch".
_OPERATION_BEFORE = re.compile(r"\bOperation(?:[ \t]+(?:[A-Z][\w'’-]*|of|the))*[ \t]+\Z")
# "of" and a name after a kind of place: the head of a longer name ("Shire of Wellington").
_OF_THEN_NAME = re.compile(r"[ \t]+of[ \t]+[A-Z]")
# Names joined by "&" are a firm's: "Stevens & Wilkinson", "McPherson & Jacobsen LLC".
_AMPERSAND_AFTER = re.compile(r"[ \t]*&[ \t]*[A-Z]")
_AMPERSAND_BEFORE = re.compile(r"[A-Z][\w'’.-]*[ \t]*&[ \t]*\Z")
# A branch of the Islamic State is named for its land: "Islamic State Sahel Province",
# "Islamic State's West Africa Province" (ISWAP) are armed groups, not the regions.
_BRANCH_BEFORE = re.compile(r"\bIslamic[ \t]+State(?:['’]s|[ \t]+in(?:[ \t]+the)?)?[ \t]+\Z")
_BRANCH_AFTER = re.compile(r"[ \t]+(?:Province|branch)\b")
# A title and one to three more capitalised words before a name: the name ends someone's
# ("President Xi Jinping", "Foreign Minister Wang Yi", "Gen. Abdel Fattah al-Burhan").
_TITLED_NAME_BEFORE = re.compile(
    r"(?<![\w.])(?:%s)\.?(?:[ \t]+(?:[A-Z]\.|(?:[A-Z]|al-|el-)[\w'’-]*)){1,3}[ \t]+\Z"
    % "|".join(sorted(word.capitalize() for word in lexicon.PERSON_TITLES - {"saint", "st"})))
# What a name is said to be, right after it: "Hamilton is a city in", "Dachne, a village in the
# Donetsk region", "Chandler is an outer suburb of". The kind must end the phrase, so "Hamilton, a
# town councillor" is not one.
_DESCRIBED_AS = re.compile(
    r"(?:[ \t]*,|[ \t]+(?:is|was))[ \t]+an?[ \t]+(?:[\w-]+[ \t]+){0,3}?"
    r"(city|town|village|suburb|borough|township|hamlet|settlement|municipality|district|county|region|province)"
    r"(?=[ \t]*(?:[,.;:(]|in\b|of\b|on\b|near\b|north|south|east|west|that\b|where\b|located\b|about\b))")
# Who a name is said to be: "Ray Chambers, a special envoy for malaria", "Joe Kent, a
# lawyer who". Not where what follows speaks: "shelling in Kherson, a local official said".
_DESCRIBED_AS_PERSON = re.compile(
    r"[ \t]*,[ \t]+an?[ \t]+(?:[\w-]+[ \t]+){0,3}?"
    r"(?:envoy|official|spokesman|spokeswoman|spokesperson|analyst|lawyer|attorney|doctor|nurse|teacher|student|"
    r"professor|researcher|scientist|activist|soldier|journalist|reporter|photographer|farmer|worker|executive|"
    r"candidate|lawmaker|legislator|diplomat|negotiator|mother|father|son|daughter|wife|husband|native)\b"
    r"(?![ \t]+(?:said|says|told|reported|wrote|added)\b)")
# "Angela Reyes of Dunn", "Mary L. Smith of Heath": a given name, maybe an initial, and a
# surname before "of".
_PERSON_OF_BEFORE = re.compile(r"\b([A-Z][a-z]+)[ \t]+(?:[A-Z]\.[ \t]+)?([A-Z][a-z'’-]+)[ \t]+of[ \t]+\Z")
# "Gabriel Shearer, 34, of Richmond", "Stephen Davis, of Chiefland": the town someone (of
# that age) is from, read backwards.
_AGE_OF_REVERSED = re.compile(r"[ \t]*fo[ \t]*,(?:[ \t]*\d{1,3}[ \t]*,|[a-z]+[A-Z])")
# "Terry Lee Jolly, 60, Lebanon, was arrested": the town someone of that age lives in, read backwards.
_AGE_THEN_TOWN_REVERSED = re.compile(r"[ \t]*,[ \t]*\d{1,3}[ \t]*,[ \t]*[a-z'’.]*[A-Z]")
# "son of" inside an Arabic name: "Mohammed bin Salman", "Tamim bin Hamad".
_PATRONYMIC = re.compile(r" (?:bin|ibn) ")
# Offices whose holder a comma may name: "Angola's president, Joao Lourenco", "the foreign
# ministry spokesman, Lin Jian" (not "the governor, Kherson's mayor": a possessive is no name).
_OFFICE_COMMA_BEFORE = re.compile(
    r"\b(?:spokesman|spokeswoman|spokesperson|president|minister|chancellor|secretary|mayor|governor|ambassador|"
    r"envoy|commander|chief|leader|premier|emir|king|queen|prince|chairman|chairwoman|director),[ \t]*\Z",
    re.IGNORECASE)
# What follows a surname only: "Jr.", "Sr." (not "II": "the Minsk II agreement").
_GENERATIONS = frozenset({"Jr", "Sr"})
_LOOKBACK = 40
_LIST_REACH = 8  # how many names a list of places may run to
_LOOKAHEAD = 40
# A dateline's country may be long: "GOMA, Democratic Republic of the Congo —".
_DATELINE_REACH = 80
# Places a reader knows on sight: a capitalised mention of one needs no further evidence.
_PROMINENT_KINDS = frozenset({"country", "continent", "admin1", "region", "sea", "strait", "river"})
_PROMINENT_POPULATION = 100_000
# A river's or a lake's name as news writes it, and the gazetteer's kinds for water.
_WATER_NAMES = frozenset({"River", "Creek", "Lake", "river"})
_WATER_KINDS = frozenset({"river", "sea", "strait"})
_PROMINENT_GIVEN_NAME_POPULATION = 250_000
# A state everyone in its country knows: its name means it, whatever else the word is.
KNOWN_STATE_POPULATION = 1_000_000
# What joins the items of a list: ", ", ", and ", " and ", " or ", each maybe followed by
# "the" ("China, Japan, and the United Kingdom").
LIST_GAP = re.compile(r"(?:\s*,\s*(?:(?:and|or)\s+)?|\s+(?:and|or|&)\s+)(?:the\s+)?")
# Words that stand before a place's name to say which part of it or what it was: "Metro
# Vancouver", "Greater Boston", "Northeastern Brazil", "Old Port", "Czarist Russia".
_PLACING_WORDS = lexicon.POSITION_WORDS | frozenset("""greater metro old new czarist imperial ancient
northeastern northwestern southeastern southwestern""".split())
_AND_GAP = re.compile(r"\s+(?:and|or)\s+(?:the\s+)?")
# "South and North Kivu", "East and West Java": a word of place before a second and a name.
_AND_POSITION_THEN_NAME = re.compile(r"[ \t]+(?:and|or|&)[ \t]+(?:%s)[ \t]+[A-Z]" % "|".join(
    sorted(word.capitalize() for word in lexicon.POSITION_WORDS)))
# A capitalised word right before or after a span, as in a longer name.
_CAPITALISED_BEFORE = re.compile(r"[A-Z][\w'’.-]*[ \t]\Z")
_CAPITALISED_AFTER = re.compile(r"[ \t][A-Z]")
# A name and one or two capitalised words before a street's or an event's kind: "her Van
# Dorn Street apartment", "the Antelope Valley Freeway", "the Lincoln Day Dinner", "the Judah
# P. Benjamin Award", "the Jalisco New Generation Cartel" (not "St." or "Dr.": "Malta St.
# Julian's", "the Kyiv Mayor Dr. Klitschko").
_LONGER_NAME_AFTER = re.compile(
    r"(?:[ \t]+(?:[A-Z][\w'’-]*|[A-Z]\.)){1,2}[ \t]+(?:Street|Road|Rd\.|Avenue|Ave\.|Boulevard|Blvd\.|Lane|Drive"
    r"|Parkway|Pkwy\.|Freeway|Expressway|Dinner|Banquet|Gala|Awards?|Prize|Scholarship|Trophy|Cartel)(?![\w-])")
# Russia's army names its groupings in Ukraine after rivers and the compass, and English reports
# keep the Russian word: "the Dnepr group of forces", "the Yug (South) group of forces", "the
# Vostok grouping". Such a name is no place's (Yug is a Russian village), whatever its gloss.
_FORCES_GROUPING_AFTER = re.compile(
    r"(?:[ \t]+\([^()\n]{1,20}\))?[ \t]+(?:groups?[ \t]+of[ \t]+(?:forces|troops)|groupings?)\b", re.IGNORECASE)
# What stands between a place's name and another name of it: "X, formerly Y", "X (formerly
# known as Y)", "X, the city once called Y", "X, which was called Y until 2024", "X (now Y)",
# "X, also spelled Y", "X, renamed Y". Not a bare "X, called Y": that names something in X
# ("Cambridge, called Parent Free Zone").
RENAMING_GAP = re.compile(
    r"\s*[,(]\s*(?:(?:the|a)\s+(?:[a-z]+\s+){0,2}?)?"
    r"(?:(?:which|that)\s+(?:was|is|were)\s+(?:(?:formerly|previously|once|later)\s+)?"
    r"(?:known\s+as|called|named|renamed(?:\s+as)?)"
    r"|(?:formerly|previously|once|earlier|later|now|until\s+\d{4})(?:\s+(?:known\s+as|called|named|spelled|spelt))?"
    r"|also\s+(?:known\s+as|called|named|spelled|spelt)|renamed(?:\s+as)?)\s+")
# Evidence that makes a name a place wherever else the text capitalises it.
_ACCEPTING = frozenset({"locative", "type", "appositive", "dateline", "container"})
# Evidence of its own that a span names a place, beyond being capitalised (the resolver
# drops a lone small town without any: see resolve._isolated_towns).
PLACE_EVIDENCE = _ACCEPTING | {"after-comma", "resident", "affiliation", "target", "renamed"}


@dataclass(slots=True)
class Span:
    """A candidate place name: ``text[start:end]`` with the gazetteer entries for it."""

    start: int
    end: int
    surface: str
    key: str
    entries: tuple[tuple[Place, str], ...]
    evidence: set[str] = field(default_factory=set)
    is_demonym: bool = field(init=False)  # asked many times per span: worked out once

    def __post_init__(self) -> None:
        # Demonym lists are curated and exact: "German" is Germany's, not a parish's;
        # but where a country is called the same ("Djibouti"), the name is the country.
        self.is_demonym = any(kind == "demonym" for _, kind in self.entries) and not any(
            kind == "name" and p.kind == "country" for p, kind in self.entries)

    @property
    def places(self) -> list[tuple[Place, str]]:
        return [(p, kind) for p, kind in self.entries if kind != "demonym"]


class Recognizer:
    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer
        self.automaton = gazetteer.automaton
        # Codes are matched as written, in the text itself rather than the folded one.
        self.code_automaton = _code_automaton(gazetteer.codes)
        self.common_words = lexicon.common_words()
        self.first_names = lexicon.first_names() | lexicon.NEWS_GIVEN_NAMES
        self.surnames = lexicon.surnames()
        self.organisations = re.compile("|".join(map(re.escape, lexicon.ORGANISATIONS)), re.IGNORECASE)
        # What a span inside one of them can be: the whole name ("Red Cross") or a run of its
        # words ("Arabian Peninsula" in "al-Qaeda in the Arabian Peninsula").
        self.organisation_words = frozenset(fold(" ".join(words[i:j])).strip() for words in map(
            str.split, lexicon.ORGANISATIONS) for i in range(len(words)) for j in range(i + 1, len(words) + 1))

    def find(self, text: str) -> list[Span]:
        return self.find_with_context(text)[0]

    def find_with_context(self, text: str) -> tuple[list[Span], list[Span]]:
        """The mentions, and the names that are words of longer names ("the Lee Academy",
        "Licking Memorial Hospital"): no mentions, but a hint where the text is."""
        matches = self._matches(text)
        spans = self._longest(text, matches)
        return self._judge(text, spans)

    # -- matching ------------------------------------------------------------

    def _matches(self, text: str) -> list[tuple[int, int, str | None]]:
        """(start, end, code or None) of every whole-word, capitalised match."""
        folded = " " + fold(text) + " "
        found = []
        for end, length in self.automaton.iter(folded):
            # The key " name " ends at padded index ``end``; padded index i is text index i - 1.
            start = end - length + 1
            if text[start].isupper() or (text.startswith(_ARTICLES, start) and text[start + 3:start + 4].isupper()):
                found.append((start, end - 1, None))
        if self.code_automaton is not None:
            found.extend(_code_matches(self.code_automaton, text))
        return found

    def _longest(self, text: str, matches: list[tuple[int, int, str | None]]) -> list[Span]:
        # Leftmost, then longest, then a code before a name on the same span ("USA", not Usa in Japan).
        matches.sort(key=lambda m: (m[0], -m[1], m[2] is None))
        spans: list[Span] = []
        last_end = -1
        gaz = self.gazetteer
        for start, end, code in matches:
            if start < last_end:
                continue
            surface = text[start:end]
            if code is None and _BRACKETS.search(surface):
                continue  # no name runs across a bracket: "JD(U)'s" is no "U S" (U.S.)
            if "," in surface:
                # "Washington, D.C.", "Hong Kong, China": a name and where it is, two names in text
                # as in the gold annotations; the gazetteer keeps such names for geocoding
                continue
            if code is None and text.startswith(".", end) and _ENDS_IN_INITIALS.search(surface):
                end += 1
                surface = text[start:end]
            if code is None and " " in surface.strip() and not _capitalised_words(surface):
                continue  # "New york times": a multi-word name needs its words capitalised
            if code is not None:
                key, entries = code, gaz.codes[code]
            else:
                key = fold(surface).strip()
                entries = gaz.entries(key)
            if not entries:
                continue
            if code is None and surface.endswith(" City") and _CITY_OFFICE_AFTER.match(text, end) \
                    and not any(kind == "name" and p.kind == "city" for p, kind in entries) \
                    and gaz.entries(key[:-len(" city")]):
                # "Dublin City Council" is the council of a city named Dublin, any Dublin: the
                # shorter match at this start is the name ("Dublin City" is only Irish Dublin's
                # other name). Not "Kansas City Council": that city is so named.
                continue
            span = Span(start, end, surface, key, entries)
            named_after = _NAMED_AFTER_AFTER.match(text, end) if code is None else None
            if named_after and (named_after.group("township") or key not in self.common_words) \
                    and not _NAME_WORD_BEFORE.search(text, max(0, start - _LOOKBACK), start):
                # (a word's: "the North Island" is New Zealand's, not of a place called North)
                span.end = named_after.end()
                span.surface = text[start:span.end]
                span.evidence.update(("type", "type:settlement") if named_after.group("township") else ("type",))
            spans.append(span)
            last_end = span.end
        return spans

    # -- evidence ------------------------------------------------------------

    def _judge(self, text: str, spans: list[Span]) -> tuple[list[Span], list[Span]]:
        persons: set[str] = set()
        listed: list[tuple[int, int]] = []  # (span, direction of its list) for a plural kind word
        # the last line _line_style looked at ([start, end, style, no lower case]): spans come in text order
        line: list = []
        operations = "Operation" in text
        islamic_state = "Islamic State" in text
        ampersands = "&" in text
        for i, span in enumerate(spans):
            prev = _previous_word(text, span.start)
            nxt = _NEXT_WORD.match(text, span.end, span.end + _LOOKAHEAD)
            prev_word = prev[0] if prev else ""
            next_word = nxt.group(1) if nxt else ""
            ev = span.evidence
            style = _line_style(text, span.start, line)
            if style == "byline":
                style = "title"  # read as a headline is, where a capital says nothing
                after_comma = text[max(0, span.start - 3):span.start].rstrip().endswith(",")
                if prev_word.lower() not in ("in", "at", "from") and not after_comma \
                        and next_word.lower() not in _BYLINE_DESKS:
                    # "By Tarek Amara and ..."; but "By Jane Doe in Kyiv", "By Jane Doe, Garissa",
                    # "Reporting by Dubai newsroom"
                    ev.add("blocked:byline")
            if style:
                ev.update(("weak-capital", "headline"))
            elif _sentence_starts_before(text, span.start):
                ev.add("weak-capital")
            after_slash = _after_dateline_slash(text, span, spans[i - 1] if i else None)
            if ("weak-capital" in ev or after_slash) and _dateline(text, span) and (
                    after_slash or not style or _only_names_before(text, spans, i, line[0])):
                # (a headline's dateline follows nothing but places: "SAGAING AND MANDALAY:", not
                # "PREP ROUNDUP: Highlands rolls")
                ev.add("dateline")
            elif span.surface.isupper() and len(span.surface) > 1 and span.entries[0][1] != "code" \
                    and style != "upper" and not (line[3] and _prominent(span)):
                # "NATO" is not Nato, Philippines; but a short heading in capitals is its place's
                # ("LAOS", "SRI LANKA")
                ev.add("blocked:acronym")
            # A word that ends the sentence before says nothing of this one ("Troops left. The Post").
            cue = "" if prev_word[:1].islower() and text[prev[2]:prev[2] + 1] == "." else prev_word
            if cue.lower() in lexicon.LOCATIVE_CUES and (cue[0].islower() or (
                    # a sentence's first word: "In Batumi, demonstrators blocked the road"
                    not style and _sentence_starts_before(text, prev[1]))):
                ev.add("locative")
                if cue.lower() in lexicon.PLACE_CUES and not next_word[:1].isupper():
                    # said of places, not of people ("talked to Roy"), and not of a longer name
                    # ("in Stephen Hawking's Universe")
                    ev.add("locative:place")
            elif cue == "of":
                plural = _word_before(text, prev[1])
                if plural in lexicon.PLURAL_REGION_WORDS or (plural == "states" and _names_a_state(span)):
                    ev.update(("type", "type:region"))
                    listed.append((i, 1))  # "the regions of Donetsk, Luhansk and Kherson"
                else:
                    _of_evidence(text, prev[1], ev)
                    person = _PERSON_OF_BEFORE.search(text, max(0, span.start - _LOOKBACK), span.start)
                    if person and person.group(1).lower() in self.first_names \
                            and person.group(2).lower() not in self.common_words:
                        # "Angela Reyes of Dunn": where someone is from; not "Vernon Chamber of Commerce"
                        ev.add("locative")
            elif cue == "Co":
                ev.add("type")  # "Co Antrim", "Co. Down": an Irish county (the town, where the gazetteer lacks it)
            elif cue in lexicon.VESSEL_WORDS or cue in lexicon.SHIP_PREFIXES or (
                    cue == "the" and _word_before(text, prev[1]) in lexicon.VESSEL_VERBS):
                ev.add("blocked:vessel")  # "the cruiser Moskva", "HMS Diamond", "sank the Moskva"
            elif cue in lexicon.ACTION_VERBS:
                ev.add("target")  # "Russian forces shelled Bakhmut"
                if cue in lexicon.SIEGE_VERBS:
                    ev.add("locative")
            low_next = next_word.lower()
            common = span.key in self.common_words
            if low_next in lexicon.TYPE_WORDS and not (common and "weak-capital" in ev and next_word.islower()) \
                    and not (cue in _ARTICLE_WORDS and next_word in lexicon.SETTLEMENT_WORDS
                             and (common or span.key in lexicon.ETHNONYMS or span.key in self.first_names)):
                # but "But town officials said" is a sentence's first word, and "an Arab town", "a
                # Christian village" say who lives there
                _add_type(low_next, ev)
            elif next_word == "s" and _word_after(text, nxt.end()) == "governor":
                _add_type("governor", ev)  # "Okinawa's governor", "Kharkiv's governor"
            elif next_word == "department" and _word_after(text, nxt.end()) not in ("store", "stores"):
                # "the Centre department" of Haiti, "Cauca department"; written so, never an office
                # ("the Richmond Police Department") nor a shop ("Ripley department store")
                _add_type(next_word, ev)
            elif next_word == "area" and not (common and ("weak-capital" in ev or _CAPITALISED_BEFORE.search(
                    text, max(0, span.start - _LOOKBACK), span.start))):
                # "the Richmond area"; but not "the Bay Area", "Many area cities", nor the last
                # word of a longer name ("the Danube Delta area")
                ev.add("type")
            elif (low_next in lexicon.PLURAL_REGION_WORDS or (low_next == "states" and _names_a_state(span))) \
                    and not (common and "weak-capital" in ev):  # but "Many districts have had no water"
                ev.update(("type", "type:region"))
                listed.append((i, -1))  # "the Donetsk and Luhansk regions"
            elif low_next in lexicon.RESIDENT_NOUNS and next_word.islower() and not (
                    common and prev_word[:1].isupper() and prev_word.lower() not in _ARTICLE_WORDS
                    and text[prev[2]:span.start] == " "):
                ev.add("resident")  # "a Roselle man"; but "a Meadow Grove man" names Meadow Grove
            elif next_word in ("is", "was") or text.startswith(",", span.end):
                described = _DESCRIBED_AS.match(text, span.end, span.end + _LOOKAHEAD + 20)
                if described:
                    _add_type(described.group(1).lower(), ev)  # "Hamilton is a city in", "Dachne, a village in"
                elif not _prominent(span) and _DESCRIBED_AS_PERSON.match(text, span.end, span.end + _LOOKAHEAD + 20):
                    ev.add("blocked:person")  # "Ray Chambers, a special envoy for malaria"
            if span.is_demonym and "type:region" in ev and _is_known_container(span):
                span.is_demonym = False  # "the Somali region" of Ethiopia, not the Somalis
            if next_word in _WATER_NAMES and not any(p.kind in _WATER_KINDS for p, _ in span.entries):
                # "the Inhulets River", "the Catawba River": a river the gazetteer lacks, not
                # the town or county named after it. Only here: the town may be named elsewhere.
                ev.add("blocked:feature-name")
            if prev_word == "the" and _WATER_BEFORE.search(text, max(0, span.start - _LOOKBACK), span.start):
                ev.add("type:feature")  # "the left bank of the Dnipro", "crossed the Danube"
            if prev_word.lower() == "the" and "type" not in ev and not (
                    next_word.islower() and (low_next in lexicon.OFFICE_NOUNS or low_next in lexicon.RESIDENT_NOUNS)):
                ev.add("definite")  # "crossed the Dnipro": a river or sea, where the name is one; not "the Dnipro mayor"
                if (low_next in lexicon.FUNCTION_WORDS or low_next in lexicon.TYPE_WORDS or not next_word) \
                        and text[span.end:span.end + 1] != "-" and any(p.kind == "sea" for p, _ in span.entries):
                    # "across the Atlantic", "the Mediterranean coast": the sea, though the word is
                    # an adjective too; not "the Atlantic magazine", "the Pacific Fleet"
                    ev.add("locative")
            if span.key in lexicon.TYPE_WORDS and ((i > 0 and text[spans[i - 1].end:span.start] == " ") or
                                                    _OF_THEN_NAME.match(text, span.end)):
                # a kind of place that is a town's name too, as a word of a longer name: "Cook
                # Shire", "the Salinas Valley", "Shire of Wellington" (Shire is a town in Ethiopia)
                ev.add("part-of-name")
            if _SAINT.match(span.surface) and _POSSESSIVE_THEN_NAME.match(text, span.end):
                ev.add("blocked:saint")  # "St. Patrick's Day", not Saint Patrick, Missouri
            if span.key.lower() in self.organisation_words and self._in_organisation(text, span):  # codes too
                ev.add("blocked:organisation")  # "Hamas", "Boko Haram"
            elif operations and not _landmark(span) and \
                    _OPERATION_BEFORE.search(text, max(0, span.start - _LOOKBACK), span.start):
                ev.add("blocked:organisation")  # "Operation Olive Branch"; but "Operation Euphrates Shield"
            elif ampersands and not _prominent(span) and (_AMPERSAND_AFTER.match(text, span.end) or
                                                          _AMPERSAND_BEFORE.search(text, max(0, span.start - _LOOKBACK),
                                                                                   span.start)):
                ev.add("blocked:ampersand")  # "Stevens & Wilkinson"; but "Jammu & Kashmir"
            elif islamic_state and _BRANCH_AFTER.match(text, span.end) and \
                    _BRANCH_BEFORE.search(text, max(0, span.start - _LOOKBACK), span.start):
                ev.add("blocked:organisation")  # "Islamic State Sahel Province"
            if common and _NUMBERED.match(text, span.end):
                ev.add("blocked:designation")  # "Region 1", "Loop 286", "Lot No. 5"
            elif text[span.start - 1:span.start] == "/" and text.startswith("/", span.end) and "dateline" not in ev:
                # a flu strain's name: "A/California/7/2009"; not "NEW DELHI/GUWAHATI/KOLKATA, ..."
                ev.add("blocked:designation")
            if i > 0 and RENAMING_GAP.fullmatch(text, spans[i - 1].end, span.start):
                ev.add("renamed")  # "Chennai, formerly Madras": each is a name of the same place
                spans[i - 1].evidence.add("renamed")
            elif i > 0 and _COMMA_GAP.fullmatch(text, spans[i - 1].end, span.start):
                ev.add("after-comma")  # the Y of "X, Y"
            elif _AGE_THEN_TOWN_REVERSED.match(text[max(0, span.start - _LOOKBACK):span.start][::-1]):
                ev.update(("type", "type:settlement"))  # "Terry Lee Jolly, 60, Lebanon": a town
            elif text[span.start - 1:span.start] == "-" and _PARTY.search(text, max(0, span.start - 5), span.start):
                ev.add("affiliation")  # "Sen. Bob Casey, D-Pa."
            nxt_span = spans[i + 1] if i + 1 < len(spans) else None
            if nxt_span and _CONTAINER_GAP.fullmatch(text, span.end, nxt_span.start) and _is_container(nxt_span) and (
                    # a region no reader knows may open someone's name: "the Secretary, Douglas Alexander"
                    _is_known_container(nxt_span) or not _CAPITALISED_AFTER.match(text, nxt_span.end)):
                ev.add("appositive")
                if _is_known_container(nxt_span) and nxt_span.key not in self.common_words:
                    # The Y a reader knows speaks for itself too: "Manchester, England" (England is
                    # also a surname, which alone would need evidence).
                    nxt_span.evidence.add("container")
            if next_word and next_word[0].isupper() and low_next in lexicon.BLOCKING_NEXT and not (
                    low_next == "highway" and _word_after(text, nxt.end()) == "patrol"):
                ev.add("blocked:organisation")  # but "the Florida Highway Patrol" is the state's police
            elif not style and _LONGER_NAME_AFTER.match(text, span.end):
                ev.add("blocked:longer-name")
            elif (low_next in lexicon.UNIT_WORDS and next_word.islower()) \
                    or _FORCES_GROUPING_AFTER.match(text, span.end):
                ev.add("blocked:organisation")  # "the Azov battalion", "the Dnepr group of forces"
            elif low_next in lexicon.WEAPON_WORDS and next_word.islower() and not _prominent(span) \
                    and _word_after(text, nxt.end()) not in lexicon.WEAPON_EVENTS:
                ev.add("blocked:weapon")  # "Chinook helicopters"; but "the Sderot rocket attack"
            elif (low_next in lexicon.DISEASE_WORDS or prev_word == "Salmonella") and not _names_country(span):
                # "Marburg virus", "West Nile virus", "Lyme disease"; a serotype named after where it
                # was found: "Salmonella Litchfield", "Salmonella Saintpaul"
                ev.add("blocked:disease")
            if _a_vehicle(text, span, prev, next_word):
                ev.add("blocked:vehicle")  # "a 1992 Toyota Corolla", "Toyota pickups", "a Dodge Durango"
            # "Sunday. Kyiv's mayor": a word that ends the previous sentence or line (a byline's
            # "Ananda Teresia") is not a given name or title before this one (an initial or "Gen."
            # is: "Tyrise M. Bell").
            county = cue == "Co"
            ends_sentence = prev is not None and ((text[prev[2]:prev[2] + 1] == "." and len(prev_word) > 1
                                                  and prev_word.lower() not in lexicon.PERSON_TITLES and not county)
                                                 or "\n" in text[prev[2]:span.start])
            if prev_word and prev_word[0].isupper() and not style and not county and \
                    _TITLED_NAME_BEFORE.search(text, max(0, span.start - _LOOKBACK), span.start):
                ev.add("blocked:person")
            elif "," in text[max(0, span.start - 3):span.start] and not _prominent(span) \
                    and _OFFICE_COMMA_BEFORE.search(text, max(0, span.start - _LOOKBACK), span.start) \
                    and not text.startswith(("'s", "’s"), span.end):
                ev.add("blocked:person")  # "the foreign ministry spokesman, Lin Jian, said"
            if prev_word and prev_word[0].isupper() and not ends_sentence and not county:
                low = fold(prev_word)  # "Luís Gonzaga": the census lists write no accents
                prev_span = spans[i - 1] if i > 0 and spans[i - 1].end >= prev[2] else None
                # A given name that is also a word ("Will", "Mike", "In") counts only mid-sentence;
                # one of world news ("Xi", "Benny", "Rishi") anywhere.
                given = low in self.first_names and low not in lexicon.WEEKDAYS and (
                    low in lexicon.NEWS_GIVEN_NAMES or low not in self.common_words
                    or not (style or _sentence_starts_before(text, prev[1])))
                initial = len(prev_word) == 1 and text[prev[2]:prev[2] + 1] == "." \
                    and not _COMPASS.fullmatch(text, prev[1] - 2, prev[2] + 1) \
                    and not _ABBREVIATION_END.fullmatch(text, prev[1] - 2, prev[2] + 1)  # "S.E. Portland", "U.S. Gulf"
                # A known region before a town is the town's ("Georgia Atlanta" in a headline),
                # but not before a surname ("Jordan Henderson").
                container_before = prev_span is not None and _is_known_container(prev_span) \
                    and span.key not in self.surnames
                if low in lexicon.PERSON_TITLES or initial or (given and not container_before):
                    ev.add("blocked:person")  # "President Biden", "Angela Merkel", "Tyrise M. Bell"
                    if given and prev_span is not None and not _landmark(prev_span) \
                            and span.key not in self.common_words and text[prev_span.end:span.start] == " ":
                        # The given name is a town's too: "Sydney McClain", "Sidney Crosby".
                        prev_span.evidence.add("blocked:person")
                elif (prev_span is None and not prev_word.isupper() and low not in lexicon.NAME_PARTICLES
                      and low not in lexicon.TIME_WORDS
                      and "weak-capital" not in ev and (low not in self.common_words and not (
                          # a plural before a place a reader knows: "Official Visits Georgia"
                          _prominent(span) and _singular(low) in self.common_words) or (
                          # A two-letter word is no English word capitalised mid-sentence: "Xi Jinping";
                          # nor, before a word that is a place's name too, any word but one that
                          # places it ("Agent Orange"; but "Metro Vancouver", "Greater Boston").
                          (len(low) == 2 or ((common or _singular(span.key) in self.common_words)
                                             and low not in _PLACING_WORDS and not _names_country(span)))
                          and not style and not _sentence_starts_before(text, prev[1])))):
                    ev.add("blocked:name-part")  # "Jens Stoltenberg": the end of some other name
                elif prev_span is not None and common and low not in _PLACING_WORDS and not style \
                        and "weak-capital" not in ev and text[prev_span.end:span.start] == " " \
                        and not _names_country(span) and not _sentence_starts_before(text, prev[1]):
                    # "the Durand Line": a word ending a name that opens with a place's; here only,
                    # unlike someone's name ("Many Aurora residents" elsewhere)
                    ev.add("blocked:name-end")
            # The second half of a hyphenated surname ("Joaquin Navarro-Valls", not "D-Charleston"
            # or "Israel-Gaza"), or the first half of a compound whose second is no place
            # ("Wal-Mart", "Kyiv-Mohyla Academy"; but "Asia-Pacific"). Only here: the same word
            # elsewhere in the text may be a place ("Chabad-Shadyside").
            joined_to_place = i > 0 and spans[i - 1].end == span.start - 1 and not _blocked(spans[i - 1])
            joined_to_next = nxt_span is not None and nxt_span.start == span.end + 1 \
                and nxt_span.key not in self.common_words  # "Israel-Hamas", but not "Wal-Mart" (Mart, Texas)
            if (_after_hyphenated_name(text, span.start) and not joined_to_place) or (
                    _before_hyphenated_name(text, span.end) and not joined_to_next and not _landmark(span)):
                ev.add("blocked:hyphenated")
            elif (text.startswith("-", span.end) and _EZAFE_AFTER.match(text, span.end)) or (
                    text.endswith("-", 0, span.start)
                    and _EZAFE_BEFORE.search(text, max(0, span.start - _LOOKBACK), span.start)):
                ev.add("blocked:hyphenated")  # a word of a Persian or Urdu name: "Lashkar-e-Taiba", "Dasht-e Rewat"
            elif _PARTICLE_COMPOUND_AFTER.match(text, span.end) or (
                    _PARTICLE_COMPOUND_BEFORE.search(text, max(0, span.start - _LOOKBACK), span.start)):
                ev.add("blocked:hyphenated")  # "Anse-à-Pitres", "Trans-en-Provence" when not known whole
            next_is_place = nxt_span is not None and not text[span.end:nxt_span.start].strip()
            if next_is_place and span.key in lexicon.POSITION_WORDS:
                ev.add("part-of-name")  # "South L.A.", "North Texas": a part of the place after it
            elif span.key in lexicon.POSITION_WORDS and _AND_POSITION_THEN_NAME.match(text, span.end):
                ev.add("blocked:name-part")  # "South and North Kivu": the first half of "South Kivu"
            # A capitalised word after a name may be the rest of a longer name; an acronym
            # ("Erie GM", "Kyiv AP") is not, nor a date as US wire copy writes it ("in Bakhmut
            # Monday", "in Moscow October 7").
            next_is_name = next_word and next_word[0].isupper() and not (len(next_word) > 1 and next_word.isupper()) \
                and low_next not in lexicon.TIME_WORDS
            if common and next_is_name and (low_next in lexicon.NAME_ENDINGS or (
                    text[span.end:span.end + 1] == " " and not next_is_place and not style
                    and "weak-capital" not in ev and low_next not in lexicon.TYPE_WORDS)):
                ev.add("part-of-name")  # "Independence Square", "Victory Day", "Sheikh Jarrah"
            if _PATRONYMIC.search(span.surface) and all(kind == "alt" for _, kind in span.entries):
                # "Mohammed bin Zayed" is someone, though also a town's other name
                ev.add("blocked:person")
            if next_word in _GENERATIONS and text.startswith((" ", ", "), span.end):
                ev.add("blocked:person")  # "Tony Servance Jr.", "Hank Williams Sr."
            if next_is_name and text[span.end:span.end + 1] == " " and low_next not in self.common_words:
                ev.add("part-of-name")
                if not next_is_place and not style and " " not in span.key and not _landmark(span):
                    # "Vladimir Putin": a town's name opening someone's name, or a club's ("the
                    # Arlington Boys Club"); unlike a surname, no sign the word is never the town
                    ev.add("blocked:name-start")
            if _ARTICLE_THEN_NAME.match(text, span.end) and not _prominent(span):
                # The first word of an Arabic name the gazetteer lacks: "Bab al-Tabbaneh" (a
                # Tripoli quarter, not the Syrian town of al-Bab), "Jabal al-Sheikh". A city
                # everyone knows stays: "Mosul al-Jadida" is a quarter of Mosul.
                # Only here: the word elsewhere in the text may be the place.
                ev.update(("part-of-name", "blocked:arabic-name"))
            elif _PARTICLE_THEN_NAME.match(text, span.end) and not _prominent(span):
                ev.update(("part-of-name", "blocked:longer-name"))  # the same for a name the gazetteer lacks
            if i > 0 and text[spans[i - 1].end:span.start] == " " and text.startswith(_ARTICLES, span.start):
                ev.add("blocked:arabic-name")  # and the rest of one: "Mosul al-Jadida" is not El Jadida
            elif text.endswith("-", 0, span.start):
                named = _NAME_THEN_ARTICLE_BEFORE.search(text, max(0, span.start - _LOOKBACK), span.start)
                if named and not _sentence_starts_before(text, named.start()):
                    ev.add("blocked:arabic-name")  # "Busra al-Harir" (the gazetteer lacks), not Harir, Iraq
            elif prev_word in _ARABIC_KIND_WORDS and text[prev[2]:span.start] == " " and not _prominent(span):
                # a spring's, a hill's, a village's or a market's name the gazetteer lacks: "Ain Zara"
                # (a Tripoli district) is not Zara, Turkey
                ev.add("blocked:arabic-name")
            # A surname may open with a word, or a place's name, before a hyphen ("Itamar
            # Ben-Gvir", "Ayman Al-Zawahiri"; Ben is a village too).
            if next_is_name and " " not in span.key and span.key in self.first_names and (
                    (not next_is_place and low_next not in self.common_words)
                    or (len(next_word) > 1 and _HYPHEN_THEN_CAPITAL.match(text, nxt.end()) is not None)):
                if not _prominent(span):
                    ev.add("blocked:person")  # "Chelsea Manning": a given name before a surname
                elif low_next in self.surnames:
                    # A country's or a big town's name before a known surname: here only, for the
                    # same name elsewhere in the text is likely the place ("Israel Katz" beside "Israel").
                    ev.add("blocked:given-name")
            elif next_is_place and text[span.end:nxt_span.start] == " " and span.key in self.first_names \
                    and _prominent(span) and low_next in self.surnames and not _prominent(nxt_span) \
                    and not style and "weak-capital" not in nxt_span.evidence:
                ev.add("blocked:given-name")  # "said Jordan Matthews", though Matthews is a town too
            if next_is_name and span.key in self.first_names and (
                    low_next in self.surnames or _INITIAL_THEN_NAME.match(text, nxt.start(1))):
                ev.add("before-surname")  # "Virginia Chapin", "Virginia L. Lane": maybe someone
            if "blocked:person" in ev or ("blocked:name-part" in ev and not _prominent(span)):
                persons.add(span.key)  # one sense per text: a surname stays a surname
            if text.startswith(("'", "’"), span.end):
                ev.add("possessive")  # "in Paris' residence": the cue is the residence's, not Paris's
            if i > 0 and "locative" in spans[i - 1].evidence and not next_is_name \
                    and low_next not in lexicon.STREET_PLURALS and not (common and prev_word.lower() == "the") and (
                        _AND_GAP.fullmatch(text, spans[i - 1].end, span.start)
                        or (_COMMA_GAP.fullmatch(text, spans[i - 1].end, span.start)
                            and _closes_as_list(text, spans, i))):
                # "cut off gas to Tiraspol and Bender", "displaced families from Caborca, Altar and
                # Sásabe": the cue speaks for the whole list; not "in San Francisco and Terry
                # Collins in Oakland", "in Kyiv, Zelensky said", "at Orange and White streets",
                # nor a word after "the" ("across Iraq, Jordan and the Gulf": no Gulf Province)
                ev.add("locative")

        _share_list_type(text, spans, listed, self.common_words)
        _block_vocatives(text, spans)
        kept, accepted_keys = [], set()
        for span in spans:
            if span.is_demonym or (span.key in accepted_keys and not _blocked_though_accepted(span)):
                kept.append(span)
                continue
            verdict = self._verdict(span, persons)
            if verdict:
                kept.append(span)
                if (not span.evidence.isdisjoint(_ACCEPTING) or ("resident" in span.evidence
                                                                 and span.key not in self.common_words)) \
                        and not _vetoed_as_someones(span, persons):
                    accepted_keys.add(span.key)  # one sense per text
        # A name accepted with evidence anywhere counts everywhere it is capitalised.
        kept_ids = {id(s) for s in kept}
        found = [s for s in spans if id(s) in kept_ids or (s.key in accepted_keys and not _blocked(s))]
        found_ids = {id(s) for s in found}
        context = [s for s in spans if id(s) not in found_ids and "part-of-name" in s.evidence
                   and self._only_part_of_a_name(s, persons)]
        return found, context

    def _only_part_of_a_name(self, span: Span, persons: set[str]) -> bool:
        """Whether ``span`` would be a place but for being a word of a longer name."""
        span.evidence.discard("part-of-name")
        try:
            return self._verdict(span, persons)
        finally:
            span.evidence.add("part-of-name")

    def _in_organisation(self, text: str, span: Span) -> bool:
        """Whether ``span`` lies inside the name of one of lexicon.ORGANISATIONS."""
        low, high = max(0, span.start - _LOOKBACK), span.end + _LOOKAHEAD
        return any(m.start() <= span.start and span.end <= m.end() and _alone(text, m.start(), m.end())
                   for m in self.organisations.finditer(text, low, high))

    def _verdict(self, span: Span, persons: set[str]) -> bool:
        ev = span.evidence
        # One sense per text: a surname stays a surname ("Merkel said"), but a country's
        # name alone stays the country ("Jordan would host", beside "Michael Jordan").
        if _blocked(span) or (_vetoed_as_someones(span, persons) and "container" not in ev
                              and not ("locative" in ev and (_prominent(span) or "locative:place" in ev)
                                       and "possessive" not in ev and "part-of-name" not in ev)):
            # (but "in Gaza" is the place a reader knows, though "Ahmed Gaza" was someone there,
            # and so is "IPSWICH, England" beside the referee Darren England: for that mention)
            return False
        strong = "type" in ev or "appositive" in ev or "dateline" in ev or "container" in ev
        if span.key in lexicon.TIME_WORDS:
            return strong
        if span.entries[0][1] == "code":
            # "Ill." or "Pa." is a state only in a dateline or address: "Springfield, Ill."
            return not any(ch.islower() for ch in span.key) or "after-comma" in ev or "affiliation" in ev
        places = span.places
        if not places:
            return False
        words = span.key.split()
        single = len(words) == 1
        common = single and (span.key in self.common_words or span.key in lexicon.ETHNONYMS or (
            # a plural the dictionary does not list, where only towns go by it, as an alternate
            # name: "Farmers" (an old name of Milan, Indiana) is farmers; "the Urals" are not urals
            _singular(span.key) in self.common_words and all(kind == "alt" and p.kind == "city" for p, kind in places)))
        given_name = single and (span.key in self.first_names or span.key in self.surnames)
        if common and "part-of-name" in ev:
            return False  # "South Arlington", "Metro Nashville": a word of a longer name
        # "Butler County" says what it is, where "The City" does not.
        typed = words[-1] in lexicon.TYPE_WORDS and not all(w in lexicon.NAME_PARTICLES for w in words[:-1])
        # A sentence's start explains the capital of its first word only: "New York has" is
        # as good as mid-sentence, where "The Post" and a headline's words are not.
        unexplained = "headline" in ev or words[0] in _ARTICLE_WORDS
        if not single and all(w in self.common_words for w in words) and (
                ("weak-capital" in ev and unexplained and not typed)
                or (all(kind == "alt" for _, kind in places) and not (
                    _kind_after_own_name(words, places, typed) and "part-of-name" not in ev))):
            # "The Post" at the start of a sentence; "White House", an old name of Casablanca
            common = True
        if not (common or given_name):
            return True
        if strong or "locative" in ev or "renamed" in ev or ("resident" in ev and not (
                common and ("weak-capital" in ev or span.key in lexicon.ETHNONYMS))):
            return True  # "a Richmond man", not "One man"
        # A region sharing a common word's name ("Western", "Central") is no help,
        # and a town sharing a given name must be a big one ("Houston", not "Mary").
        # Nor is a country's foreign name that is an English word ("Island", Iceland in German).
        prominent = _prominent(span, regions=not (common or given_name), alternates=not (common and single),
                               population=_PROMINENT_GIVEN_NAME_POPULATION if given_name else _PROMINENT_POPULATION)
        if (given_name or common) and not prominent and "before-surname" not in ev \
                and span.key not in lexicon.POSITION_WORDS:
            # A state everyone knows is the state, given name or word or not ("rain for Florida",
            # "Michigan's customers"); a county or a parish called Patrick or Michael is not, nor
            # a region named by where it lies ("Central", "Eastern", "Delta").
            prominent = any(p.kind == "admin1" and kind == "name" and p.population >= KNOWN_STATE_POPULATION
                            for p, kind in places)
        if "weak-capital" in ev and common:
            # Capitalised only because a sentence or headline starts: only a place
            # everyone knows ("Turkey", "China") is taken without more evidence.
            return prominent and any(p.kind in ("country", "continent") or (
                # a capital of a million people, though a word too: "Manila protested to Beijing"
                p.feature_code == "PPLC" and p.population >= KNOWN_STATE_POPULATION and kind == "name")
                for p, kind in places)
        return prominent


def _vetoed_as_someones(span: Span, persons: set[str]) -> bool:
    """Whether the text calls someone by this name ("Angela Merkel") and nothing makes this
    span the place regardless: an appositive, a type word, a country's name. A locative cue
    may still take a place a reader knows ("in Gaza"), for that mention only: were it to speak
    for the text's other mentions, a defendant's "Fairfield" would be a town throughout."""
    ev = span.evidence
    return span.key in persons and "appositive" not in ev and "type" not in ev and not _names_country(span)


def _kind_after_own_name(words: list[str], places: list[tuple[Place, str]], typed: bool) -> bool:
    """Whether the name is a place's own name and a word of its kind: "Shan State", "Chin
    State" (Shan and Chin, Myanmar), which say what they are; not a nickname ("Hub City",
    "the Golden State"), another place's name ("Red River" for Red River County), nor a
    region named by where it lies ("the South Central District")."""
    own = " ".join(words[:-1])
    if not typed or own in lexicon.POSITION_WORDS:
        return False
    return any(name_key(p.name) == own for p, _ in places)


_CONNECTORS_ONLY = re.compile(r"[\s,/&]*(?:(?:and|AND|And)[\s,/&]+)*[\s,/&]*")


def _only_names_before(text: str, spans: list[Span], i: int, start: int) -> bool:
    """Whether nothing but place names and "and", commas or slashes come between ``start``, the
    start of the line holding ``spans[i]``, and it. (It stops at the first other word, and
    copies no list: on a long line of names it is asked for each name.)"""
    pos = spans[i].start
    for j in range(i - 1, -1, -1):
        before = spans[j]
        if before.end <= start:
            break
        if not _CONNECTORS_ONLY.fullmatch(text, before.end, pos):
            return False
        pos = before.start
    return _CONNECTORS_ONLY.fullmatch(text, start, pos) is not None


def _after_dateline_slash(text: str, span: Span, before: Span | None) -> bool:
    """Whether ``span`` follows a dateline's place after a slash: "PHNOM PENH" in
    "BANGKOK/PHNOM PENH, July 24 (Reuters) -"."""
    return before is not None and "dateline" in before.evidence and text[before.end:span.start].strip(" \t") == "/"


def _dateline(text: str, span: Span) -> bool:
    """Whether ``span``, at the start of a sentence or line, opens a news story: in capitals
    ("CHARLESTON, W.Va. --") or before an agency ("Kyiv, Ukraine (Reuters) -")."""
    if span.entries[0][1] == "code":
        return False
    tail = _DATELINE_TAIL.match(text, span.end, span.end + _DATELINE_REACH)
    return tail is not None and (tail.group("agency") is not None or tail.group("slashed") is not None
                                 or span.surface.isupper())


def _share_list_type(text: str, spans: list[Span], listed: list[tuple[int, int]], common_words: frozenset[str]
                     ) -> None:
    """A plural kind word speaks for the whole list it closes or opens: every name in "the
    Donetsk, Luhansk and Kherson regions" or "the provinces of Sindh and Punjab" is a region.
    Not a common word beside another capitalised word: it may be a piece of a longer name the
    gazetteer lacks ("the Central Plateau and Artibonite regions", "the provinces of Nyanza,
    North Eastern and Western")."""
    for i, step in listed:
        j = i
        while 0 <= j + step < len(spans):
            a, b = (spans[j], spans[j + step]) if step > 0 else (spans[j + step], spans[j])
            if not LIST_GAP.fullmatch(text, a.end, b.start):
                break
            j += step
            span = spans[j]
            if span.key not in common_words or not (
                    _CAPITALISED_BEFORE.search(text, max(0, span.start - _LOOKBACK), span.start)
                    or _CAPITALISED_AFTER.match(text, span.end)):
                span.evidence.update(("type", "type:region"))


def _closes_as_list(text: str, spans: list[Span], i: int) -> bool:
    """Whether names joined by commas from ``spans[i]`` on end in "and" or "or" and one more
    name: "Caborca, Altar and Sásabe", where "Kyiv, Zelensky said" is no list."""
    for k in range(i, min(len(spans) - 1, i + _LIST_REACH)):
        if _AND_GAP.fullmatch(text, spans[k].end, spans[k + 1].start):
            return True
        if not _COMMA_GAP.fullmatch(text, spans[k].end, spans[k + 1].start):
            return False
    return False


# Where a name is said to someone, in transcripts: after a speaker's label, "Well," or "And"
# ("REYES: Dallas, good evening", "Well, Dallas, that's...", "And Austin, the carrier?"), before
# a comma or a question mark; at a sentence's start before a question or a greeting ("Austin, what
# do we know?"); or after a comma at a sentence's end ("That is the big question, Dallas.").
_SPEAKER_BEFORE = re.compile(r"(?:^|\n)[ \t]*[A-Z][A-Z .,'’()-]*:[ \t]*\Z")
_ADDRESS_BEFORE = re.compile(r"(?:^|[.!?:\n])[ \t\"“]*(?:Well|And|So|Now|OK|Okay|Yes|No|Thanks),?[ \t]+\Z")
_SENTENCE_THEN_COMMA_BEFORE = re.compile(r"(?:^|[.!?:\n])[ \t\"“]*\Z")
_COMMA_BEFORE = re.compile(r",[ \t]+\Z")
_VOCATIVE_AFTER = re.compile(r"[ \t]*[,?]")
_QUESTION_AFTER = re.compile(r",[ \t]+(?:what|how|why|where|when|who|is|are|do|does|did|can|could|tell|good "
                             r"(?:morning|afternoon|evening))\b")
_VOCATIVE_END = re.compile(r"[ \t]*[.?!]")


def _block_vocatives(text: str, spans: list[Span]) -> None:
    """A name the text gives someone as a given name ("AUSTIN REYES, CORRESPONDENT:", "correspondent
    Austin Reyes") is that person's where it is said to them, as transcripts do ("Austin, what do we
    know?"): Dallas and Austin are no cities there."""
    given = {s.key for s in spans if ("blocked:given-name" in s.evidence or "blocked:person" in s.evidence)
             and _CAPITALISED_AFTER.match(text, s.end)}
    if not given:
        return
    for span in spans:
        ev = span.evidence
        if span.key not in given or _blocked(span) or not ev.isdisjoint(_ACCEPTING):
            continue
        start, low = span.start, max(0, span.start - _LOOKBACK)
        addressed = (_SPEAKER_BEFORE.search(text, low, start) or _ADDRESS_BEFORE.search(text, low, start)) \
            and _VOCATIVE_AFTER.match(text, span.end)
        asked = _SENTENCE_THEN_COMMA_BEFORE.search(text, low, start) and _QUESTION_AFTER.match(text, span.end)
        closing = _COMMA_BEFORE.search(text, low, start) and _VOCATIVE_END.match(text, span.end)
        if addressed or asked or closing:
            ev.add("blocked:person")



def _of_evidence(text: str, of_start: int, ev: set[str]) -> None:
    """Evidence from what stands before the "of" before a name: a kind of place ("the City
    of Richmond", "the state of Washington", "the mayor of Derry"), a bearing from it, a part of
    it or its people ("southwest of Brandon", "parts of North Kivu", "residents of Marawi") or
    someone's age ("Jane Doe, 34, of Richmond")."""
    kind = _word_before(text, of_start)
    if kind == "mayor":
        ev.update(("type", "type:settlement"))  # "the mayor of Derry"
    elif kind in lexicon.OF_TYPE_WORDS:
        _add_type(kind, ev)
    elif kind in lexicon.WHERE_OF_WORDS:
        ev.update(("locative", "locative:place"))
    elif _AGE_OF_REVERSED.match(text[max(0, of_start - 12):of_start + 2][::-1]):
        ev.add("locative")


def _add_type(word: str, ev: set[str]) -> None:
    """Evidence from a type word, and the kind of place it says."""
    ev.add("type")
    if word in lexicon.REGION_WORDS:
        ev.add("type:region")
        if word == "state":
            ev.add("type:state")  # only a first-level region is a state: "Durango state"
    elif word in lexicon.SETTLEMENT_WORDS:
        ev.add("type:settlement")
    elif word in lexicon.FEATURE_WORDS:
        ev.add("type:feature")  # "the Red Sea coast": the sea, not the governorate


def _code_automaton(codes: Iterable[str]) -> ahocorasick.Automaton | None:
    automaton = ahocorasick.Automaton()
    for code in codes:
        automaton.add_word(code, code)
    if not len(automaton):
        return None
    automaton.make_automaton()
    return automaton


def _code_matches(automaton: ahocorasick.Automaton, text: str) -> list[tuple[int, int, str]]:
    """(start, end, code) of each code standing alone: not inside a word, not glued to
    another code's letters ("U.S." but not the "US" of "USB" or of "U.S.A"); where codes
    overlap, the leftmost, then the longest."""
    found = []
    for last, code in automaton.iter(text):
        start, end = last + 1 - len(code), last + 1
        if start > 0 and (_is_word_char(text[start - 1]) or text[start - 1] == "."):
            continue
        if end < len(text) and (_is_word_char(text[end]) or text[end] == "$"):
            continue  # nor a currency's code: "US$460 million", "HK$5"
        found.append((start, end, code))
    found.sort(key=lambda m: (m[0], -m[1]))
    alone, taken_to = [], -1
    for match in found:
        if match[0] >= taken_to:
            alone.append(match)
            taken_to = match[1]
    return alone


def _alone(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is whole words, not part of longer ones."""
    return (start == 0 or not _is_word_char(text[start - 1])) and (end == len(text) or not _is_word_char(text[end]))


def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _blocked(span: Span) -> bool:
    return any(e.startswith("blocked:") for e in span.evidence)


def _prominent(span: Span, regions: bool = True, population: int = _PROMINENT_POPULATION,
               alternates: bool = True) -> bool:
    for place, kind in span.entries:
        if kind == "demonym" or (not regions and place.kind in ("admin1", "admin2")):
            continue
        if (place.kind in _PROMINENT_KINDS or (place.kind == "city" and place.population >= population)) and (
                kind != "alt" or (alternates and place.kind in ("country", "continent"))):
            return True
    return False


# A model year before a car's make: "a 1992 Toyota Corolla".
_MODEL_YEAR = re.compile(r"(?:19|20)\d\d[ \t]+\Z")


def _a_vehicle(text: str, span: Span, prev: tuple[str, int, int] | None, next_word: str) -> bool:
    """Whether ``span`` names a car: a make after a model year or before a vehicle noun, or a
    model after its make."""
    if span.key in lexicon.VEHICLE_MAKES:
        return next_word.lower() in lexicon.VEHICLE_NOUNS or (
            next_word[:1].isupper() and _MODEL_YEAR.search(text, max(0, span.start - 8), span.start) is not None)
    return prev is not None and prev[0].lower() in lexicon.VEHICLE_MAKES and prev[2] == span.start - 1 \
        and not _names_country(span)


def _landmark(span: Span) -> bool:
    """Whether the span names a country, admin-1 region or curated feature, which no person is named
    after. Not a town's name that is also its region's other name: "Vladimir" (the town, and
    Vladimir Oblast's short name) is Putin's."""
    town = any(p.kind == "city" and kind == "name" for p, kind in span.entries)
    return any(p.kind in _PROMINENT_KINDS and not (town and kind == "alt" and p.kind == "admin1")
               for p, kind in span.entries if kind != "demonym")


def _blocked_though_accepted(span: Span) -> bool:
    """Whether the span is no mention even of a name accepted elsewhere in the text: a person's
    name by title or given name ("Hamilton is a city ... named for Paul Hamilton"), or a word of a
    newspaper's, a firm's, a river's, a street's name and the like ("the Washington Post" in a text
    from Washington, "the Benue River" in one on Benue state). A name opening a longer one that
    may be the place's still counts where the place is the text's ("the Dublin Singers", "the
    Paris Walmart" in a text about Dublin, about Paris), as do one in capitals ("KYIV"), one half
    of a hyphened pair ("the Habshan-Fujairah line") and a saint's town before a possessive
    ("St. Petersburg's Pulkovo airport")."""
    return any(e.startswith("blocked:") and e not in _SOFT_BLOCKS for e in span.evidence)


# Blocks a name accepted elsewhere in the text overrides (see _blocked_though_accepted).
_SOFT_BLOCKS = frozenset({"blocked:name-part", "blocked:name-start", "blocked:acronym", "blocked:hyphenated",
                          "blocked:saint", "blocked:ampersand", "blocked:designation"})


def _names_country(span: Span) -> bool:
    return any(p.kind == "country" for p, kind in span.entries if kind != "demonym")


def _is_known_container(span: Span) -> bool:
    """Whether a span names a country or admin-1 region a reader knows, where a given name does
    not ("Georgia Atlanta" in a headline; but "Michael Jordan": Michael is a sheading of the
    Isle of Man with no recorded population)."""
    return any(p.kind in ("country", "admin1") and p.population >= _PROMINENT_POPULATION
               for p, kind in span.entries if kind != "demonym")


def _names_a_state(span: Span) -> bool:
    """Whether a span is the main name of an admin-1 region, so that "states" after it or its
    list makes them states ("Zamfara, Katsina and Niger states"). Not otherwise: "the Baltic
    states", "mid-Atlantic states", "Southern states" are groups of states, and so are "the
    Sahel states", though Burkina Faso has a Sahel region: the name is a wider region's too."""
    return span.key not in lexicon.POSITION_WORDS and any(
        p.kind == "admin1" and kind == "name" for p, kind in span.entries) and not any(
        p.kind == "region" for p, _ in span.entries)


def _is_container(span: Span) -> bool:
    """Whether a span can be the "Y" of "X, Y": a country, an admin-1 region or a code."""
    return any(p.kind in ("country", "admin1") for p, kind in span.entries if kind != "demonym")


def _previous_word(text: str, offset: int) -> tuple[str, int, int] | None:
    """The word before ``offset`` with its start and end, past at most a full stop and
    spaces, quotes or an opening bracket ("in \"Kyiv", "Sunday. Kyiv"); None if there is none
    within the look-back."""
    low = max(0, offset - _LOOKBACK)
    m = _PREV_WORD_REVERSED.match(text[low:offset][::-1])
    if m is None:
        return None
    return m.group(1)[::-1], offset - m.end(1), offset - m.start(1)


def _word_before(text: str, offset: int) -> str:
    """The word before ``offset``, lower-cased, or "" (see _previous_word)."""
    prev = _previous_word(text, offset)
    return prev[0].lower() if prev else ""


def _word_after(text: str, offset: int) -> str:
    """The word after ``offset``, lower-cased, or "" if none comes within the look-ahead."""
    nxt = _NEXT_WORD.match(text, offset, offset + _LOOKAHEAD)
    return nxt.group(1).lower() if nxt else ""


def _after_hyphenated_name(text: str, offset: int) -> bool:
    """Whether a capitalised word that is not an acronym ends in a hyphen right at ``offset``
    ("Navarro-" of "Navarro-Valls"; not "D-" of "D-Charleston", nor "anti-")."""
    if offset < 3 or text[offset - 1] != "-" or not text[offset - 2].isalpha():
        return False
    m = _WORD_CHARS.match(text[max(0, offset - 1 - _LOOKBACK):offset - 1][::-1])
    word = m.group(0)[::-1]
    return word[0].isupper() and not word.isupper()


def _before_hyphenated_name(text: str, offset: int) -> bool:
    """Whether a hyphen at ``offset`` joins a capitalised word that is not an acronym ("-Mart")."""
    if text[offset:offset + 1] != "-" or not text[offset + 1:offset + 2].isupper():
        return False
    word = _WORD_CHARS.match(text, offset + 1).group(0)
    return not word.isupper()


def _sentence_starts_before(text: str, offset: int) -> bool:
    """Whether only spaces, quotes or brackets stand between ``offset`` and the end of a
    sentence, a clause, a line, a dash or the text's start (looking back at most _LOOKBACK)."""
    low = max(0, offset - _LOOKBACK)
    before = text[low:offset][::-1]
    if _SENTENCE_START_REVERSED.match(before):
        return True
    return low == 0 and _ONLY_SPACE_REVERSED.fullmatch(before) is not None


def _singular(word: str) -> str:
    """The singular of a regular English plural ("farmers", "cities", "boxes"), or ""."""
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        return word[:-1]
    return ""


# The last word of a feature's or a group of places' name, which many papers write in lower case
# ("the Jordan river", "the Gaza strip", "the Korean peninsula", "the Baltic states", "the Tishrin dam").
_LOWER_CASE_LAST_WORDS = frozenset("""river strip strait peninsula valley states gap reservoir corridor desert basin
delta plateau island islands heights canal dam airport""".split())


def _capitalised_words(surface: str) -> bool:
    """Whether every word of a multi-word name is written as a name's word; the last may be
    a feature's kind in lower case, as many papers write it ("the Jordan river"). A hyphened
    word that opens with a capital is one ("Pag-asa Island"), and so is one of particles and
    capitalised words ("Deir al-Balah")."""
    tokens = surface.split()
    if tokens[-1] in _LOWER_CASE_LAST_WORDS:
        tokens.pop()
    return all(token[0].isupper() or all(
        w[0].isupper() or w.lower() in lexicon.NAME_PARTICLES or w[0].isdigit() or _ELIDED_PARTICLE.match(w)
        for w in _WORD.findall(token)) for token in tokens)


# A line that names a story's reporters: "By Tarek Amara and Angelo Amante", "(Reporting by
# Ananda Teresia; Editing by Alex Richardson)". Their names are people's, whatever else they are.
_BYLINE = re.compile(r"\(?(?:By|(?:Additional )?[Rr]eporting by|Writing by|Editing by)[ \t]+[A-Z]")
_BYLINE_LENGTH = 160
_BYLINE_DESKS = frozenset("newsroom bureau desk staff correspondent office".split())


def _line_style(text: str, offset: int, last: list) -> str | None:
    """"upper" or "title" when the line holding ``offset`` is a headline (most words
    capitalised, no closing full stop) or in capitals throughout, "byline" when it names the
    story's reporters, else None.

    ``last`` remembers the line asked about before ([start, end, style, whether it has no
    lower-case letter]). Offsets come in
    text order, so the search for a line's start never goes back past the previous line:
    searching back to the text's start each time made one long line quadratic.
    """
    if last and last[0] <= offset <= last[1]:
        return last[2]
    low = last[1] + 1 if last and last[1] < offset else 0
    newline = text.rfind("\n", low, offset)
    line_start = newline + 1 if newline >= 0 else low
    line_end = text.find("\n", offset)
    line_end = len(text) if line_end < 0 else line_end
    line = text[line_start:line_end].strip()
    capitals = not any(ch.islower() for ch in line)
    style = None
    if _BYLINE.match(line) and len(line) <= _BYLINE_LENGTH and not line.endswith("."):  # not "By Sunday, ..."
        style = "byline"
    elif capitals:
        # a line in capitals, full stop or not, is a heading or a script's ("WE BEGIN IN
        # GEORGIA.", "BASILAN"), not a run of acronyms ("UNHCR")
        if sum(len(w) for w in _WORD.findall(line) if len(w) > 3) >= 6:
            style = "upper"
    elif len(line) <= 200 and not line.endswith((".", "!", "?", ":", ";", ",")):
        words = [w for w in _WORD.findall(line) if len(w) > 3]
        if len(words) >= 3 and sum(w.isupper() for w in words) >= 0.6 * len(words):
            style = "upper"
        elif len(words) >= 3 and sum(w[0].isupper() for w in words) >= 0.6 * len(words):
            style = "title"
    last[:] = [line_start, line_end, style, capitals]
    return style
