"""The words of a register of fixed assets: column headers and names of equipment.

Registers are kept in English, Serbian (Latin and Cyrillic), Montenegrin and
Macedonian. Every text is first *folded*: Cyrillic written in Latin letters, marks
dropped, lower case (`Инвентарски број` and `Inventarski broj` both fold to
`inventarski broj`, `Штампач` and `Štampač` to `stampac`), so that one list of words
serves all four languages and both scripts.

A name is classified by the words that name things in its head: the part before the
first preposition or punctuation ("Sto za računar" -> "Sto", "Računar (kućište,
monitor)" -> "Računar"), since in these languages the head noun comes first ("Toner za
štampač" is a toner, "UPS za server" a UPS). A thing the inventory does not count (a
desk, a monitor, a toner) there means the row is left out, not taken for the computer
it mentions; an English compound whose words disagree ("Server rack", "Laptop bag") is
left out as ambiguous rather than guessed. A general word for a computer yields to a
more precise one ("Laptop računar" is a laptop).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator

from lsg_infra.model.inventory import AssetKind

_CYRILLIC = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "ђ": "dj", "ѓ": "gj", "е": "e",
        "ж": "z", "з": "z", "ѕ": "dz", "и": "i", "ј": "j", "к": "k", "л": "l", "љ": "lj",
        "м": "m", "н": "n", "њ": "nj", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
        "ћ": "c", "ќ": "kj", "у": "u", "ф": "f", "х": "h", "ц": "c", "ч": "c", "џ": "dz",
        "ш": "s", "đ": "dj",
    }
)  # fmt: skip
_WORD = re.compile(r"[a-z0-9]+")


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces, whatever the script.

    >>> fold("Инвентарски број"), fold("Serijski  broj (S/N)"), fold("Proizvođač")
    ('inventarski broj', 'serijski broj s n', 'proizvodjac')
    """
    latin = text.casefold().translate(_CYRILLIC)
    ascii_text = unicodedata.normalize("NFKD", latin).encode("ascii", "ignore").decode()
    return " ".join(_WORD.findall(ascii_text))


def header_key(text: str) -> str:
    """A header cell as it is looked up: folded, without a note in brackets.

    >>> header_key("Datum nabavke (dd.mm.gggg)"), header_key("Inv. br.")
    ('datum nabavke', 'inv br')
    """
    return fold(re.sub(r"\([^)]*\)|\[[^\]]*\]", " ", text))


FIELDS = (
    "inventory_number",
    "name",
    "type",
    "manufacturer",
    "model",
    "serial",
    "location",
    "purchased",
    "count",
    "status",
    "notes",
    "value",
    "ignore",
)
"""What a column can hold (`--map COLUMN=field`); `value` is recognised and not used (the
inventory has no field for money spent), `ignore` leaves a column out."""

_HEADERS: dict[str, tuple[str, ...]] = {
    "inventory_number": (
        "inventarski broj", "inventarni broj", "inventaren broj", "inv broj", "inv br",
        "broj inventara", "inventarski broj sredstva", "inventory number", "inventory no",
        "inventory id", "asset tag", "asset number", "asset no", "asset id", "tag",
    ),
    "name": (
        "naziv", "naziv sredstva", "naziv osnovnog sredstva", "naziv opreme", "naziv predmeta",
        "naziv i opis", "opis", "opis sredstva", "naziv na sredstvoto",
        "naziv na osnovnoto sredstvo", "name", "description", "item", "asset name",
    ),
    "type": (
        "vrsta", "tip", "vid", "kategorija", "vrsta sredstva", "vrsta opreme", "tip opreme",
        "vrsta uredjaja", "tip uredjaja", "vid na sredstvo", "type", "kind", "category",
        "asset type",
    ),
    "manufacturer": ("proizvodjac", "proizvoditel", "marka", "manufacturer", "make", "brand"),
    "model": ("model", "model uredjaja", "model na uredot"),
    "serial": (
        "serijski broj", "seriski broj", "ser broj", "ser br", "fabricki broj", "serial",
        "serial number", "serial no", "sn", "s n",
    ),
    "location": (
        "lokacija", "mesto", "mjesto", "mesto upotrebe", "mjesto upotrebe", "prostorija",
        "kancelarija", "objekat", "objekt", "zgrada", "lokacija sredstva", "mesto na upotreba",
        "location", "site", "room", "office",
    ),
    "purchased": (
        "datum nabavke", "godina nabavke", "datum kupovine", "godina kupovine", "nabavljeno",
        "datum aktiviranja", "datum stavljanja u upotrebu", "datum na nabavka",
        "godina na nabavka", "datum na nabavuvanje", "godina na nabavuvanje", "godina",
        "purchase date", "purchased", "date of purchase", "year of purchase", "purchase year",
        "acquisition date", "year",
    ),
    "count": ("kolicina", "kol", "broj komada", "komada", "kom", "quantity", "qty", "count"),
    "status": ("status", "stanje", "sostojba", "state", "condition"),
    "notes": (
        "napomena", "napomene", "primedba", "zabeleska", "zabiljeska", "note", "notes",
        "remark", "remarks", "comment",
    ),
    "value": (
        "nabavna vrednost", "nabavna vrijednost", "vrednost", "vrijednost", "nabavna cena",
        "nabavna cijena", "sadasnja vrednost", "sadasnja vrijednost", "purchase value",
        "value", "cost", "price",
    ),
}  # fmt: skip
HEADERS: dict[str, str] = {name: field for field, names in _HEADERS.items() for name in names}
"""Folded header -> field."""

# One word (a stem that takes case and article endings) or a phrase of words, per kind.
_KINDS: dict[AssetKind, tuple[str, ...]] = {
    AssetKind.SERVER: ("server", "proliant", "poweredge", "primergy"),
    AssetKind.LAPTOP: (
        "laptop", "notebook", "prenosni racunar", "prenosni kompjuter", "prenosen kompjuter",
        "thinkpad", "latitude", "elitebook", "probook", "macbook",
    ),
    AssetKind.WORKSTATION: (
        "racunar", "kompjuter", "computer", "pc", "desktop", "workstation", "radna stanica",
        "optiplex", "thinkcentre", "prodesk", "elitedesk",
    ),
    AssetKind.PRINTER: (
        "stampac", "pecatac", "printer", "laserjet", "deskjet", "officejet", "mfp",
    ),
    AssetKind.SCANNER: ("skener", "scanner"),
    AssetKind.SWITCH: ("switch", "svic", "preklopnik"),
    AssetKind.ROUTER: ("ruter", "router"),
    AssetKind.FIREWALL: ("firewall", "fajervol", "vatrozid", "zastitni zid", "fortigate"),
    AssetKind.ACCESS_POINT: ("access point", "pristupna tacka", "pristapna tocka"),
    AssetKind.UPS: (
        "ups", "neprekidno napajanje", "besprekidno napajanje", "neprekinato napojuvanje",
    ),
    AssetKind.STORAGE: ("nas", "storage", "disk array", "diskovni niz", "mrezni disk"),
    AssetKind.VIRTUAL_MACHINE: ("virtual machine", "virtuelna masina"),
}  # fmt: skip
NOT_EQUIPMENT = (
    "sto", "stol", "stolica", "orman", "ormar", "ormaric", "polica", "regal", "stalak", "rack",
    "torba", "ranac", "kabl", "kabal", "toner", "kertridz", "ketridz", "cartridge", "mis",
    "tastatura", "keyboard", "mouse", "monitor", "ekran", "projektor", "telefon", "baterija",
    "battery", "punjac", "adapter", "desk", "chair", "cabinet", "bag", "cable",
)  # fmt: skip
"""Things a register lists that the inventory does not count: furniture and accessories."""

_ENDINGS = frozenset(
    ("", "a", "e", "i", "u", "o", "om", "em", "ima", "ama", "ovi", "ova", "ove", "evi", "eva",
     "eve", "ovima", "evima", "ot", "ov", "ite", "ovite")
)  # fmt: skip
"""Case endings (Serbian, Montenegrin) and articles (Macedonian): `računara`, `компјутерот`."""

_Phrase = tuple[tuple[str, ...], AssetKind | None]
_BY_FIRST: dict[str, list[_Phrase]] = {}
for _phrase in sorted(
    [(tuple(p.split()), kind) for kind, words in _KINDS.items() for p in words]
    + [((w,), None) for w in NOT_EQUIPMENT],
    key=lambda item: -len(item[0]),  # the longest phrase first: "prenosni racunar"
):
    _BY_FIRST.setdefault(_phrase[0][0], []).append(_phrase)
KIND_EXAMPLES = "server, računar, laptop, štampač, skener, switch, ruter, UPS, NAS"


def _same_word(word: str, stem: str) -> bool:
    # Short words match only whole ("pc", "ups", "nas", "sto"): "nasa" is "our", not a NAS.
    if len(stem) < 4:
        return word == stem
    return word.startswith(stem) and word[len(stem) :] in _ENDINGS


def _stems(word: str) -> Iterator[str]:
    """The word, and the word without each ending it may carry (the stems it can match)."""
    yield word
    for ending in _ENDINGS:
        if ending and word.endswith(ending) and len(word) - len(ending) >= 4:
            yield word[: -len(ending)]


_CONNECTORS = frozenset(
    ("za", "sa", "s", "i", "so", "od", "na", "bez", "with", "for", "and", "of", "incl")
)  # fmt: skip
"""Prepositions and conjunctions (folded) that end the head of a name."""
_BREAK = re.compile(r"[,;+(\[/:]")
"""Punctuation that ends the head of a name: 'Računar (kućište, monitor, miš)'."""


def _things(words: list[str]) -> list[tuple[str, AssetKind | None]]:
    """Every word or phrase in `words` that names a thing, in order, with its kind (None
    for a thing the inventory does not count)."""
    found: list[tuple[str, AssetKind | None]] = []
    i = 0
    while i < len(words):
        candidates = [
            p for stem in dict.fromkeys(_stems(words[i])) for p in _BY_FIRST.get(stem, ())
        ]
        for phrase, kind in sorted(candidates, key=lambda item: -len(item[0])):
            end = i + len(phrase)
            if end <= len(words) and all(
                _same_word(w, p) for w, p in zip(words[i:end], phrase, strict=True)
            ):
                found.append((" ".join(words[i:end]), kind))
                i = end
                break
        else:
            i += 1
    return found


def _head(text: str) -> list[str]:
    words = fold(_BREAK.split(text, maxsplit=1)[0]).split()
    for j, word in enumerate(words):
        if j > 0 and word in _CONNECTORS:
            return words[:j]
    return words


@functools.lru_cache(maxsize=8192)
def classify(text: str) -> tuple[AssetKind | None, tuple[str, ...]]:
    """The kind of equipment `text` names, and the words (folded) that decided it.

    (kind, (word,)) for equipment; (None, (word,)) for a thing the inventory does not
    count; (None, (word, word, ...)) when its head names things that disagree; (None, ())
    when no word is known. Cached: a register repeats its names.

    >>> classify("Računar Dell OptiPlex 7010"), classify("Sto za računar")
    ((<AssetKind.WORKSTATION: 'workstation'>, ('racunar',)), (None, ('sto',)))
    >>> classify("Server rack 42U"), classify("Putničko vozilo")
    ((None, ('server', 'rack')), (None, ()))
    >>> classify("Преносен компјутер HP")[0], classify("Laptop računar")[0]
    (<AssetKind.LAPTOP: 'laptop'>, <AssetKind.LAPTOP: 'laptop'>)
    """
    things = _things(_head(text))
    if not things:  # nothing in the head ('Oprema: UPS APC'): the first thing named
        things = _things(fold(text).split())[:1]
    kinds = {kind for _, kind in things if kind is not None}
    others = [word for word, kind in things if kind is None]
    if len(kinds) > 1:
        kinds.discard(AssetKind.WORKSTATION)  # "računar", "computer": the general word
    if kinds and not others and len(kinds) == 1:
        [kind] = kinds
        return kind, (next(word for word, k in things if k is kind),)
    if not kinds and others:
        return None, (others[0],)
    return None, tuple(dict.fromkeys(word for word, _ in things))


_WRITTEN_OFF_STEMS = ("otpis", "rashod")
_WRITTEN_OFF_WORDS = (" written off ", " write off ", " disposed ", " scrapped ")


def written_off(status: str) -> bool:
    """True for a status that says the item left the books (otpisan, расходуван, disposed).

    >>> written_off("Otpisano 2024"), written_off("расходувано"), written_off("u upotrebi")
    (True, True, False)
    """
    folded = fold(status)
    if any(word.startswith(_WRITTEN_OFF_STEMS) for word in folded.split()):
        return True
    return any(phrase in f" {folded} " for phrase in _WRITTEN_OFF_WORDS)
