"""Build bot/search/communes.tsv: every current commune of the five départements of historic
Brittany, with its Breton name where the Breton language office attests one.

    python scripts/build_gazetteer.py                      # downloads both sources
    python scripts/build_gazetteer.py --cog package.tgz --kerofis lechanvadurezh.csv

Sources (their checksums are pinned: a different file is refused):
- INSEE's Code officiel géographique 2026, as published in the npm package
  @etalab/decoupage-administratif 6.0.0 (data: Licence Ouverte 2.0), file data/communes.json;
- KerOfis, the place-name database of the Ofis publik ar brezhoneg (Licence Ouverte), in the
  export of 2019-05-01 republished by OpenStreetMap e brezhoneg (github.com/osm-bzh/data).

The joining rule (docs/places.md) never guesses a Breton name: a current commune takes
KerOfis's chosen form when KerOfis has its INSEE code and both sources name the same commune.
Standard library only, so that it runs anywhere Python does.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
import tarfile
import unicodedata
import urllib.request
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

COG_URL = (
    "https://registry.npmjs.org/@etalab/decoupage-administratif/-/decoupage-administratif-6.0.0.tgz"
)
COG_SHA256 = "c189ffd5b33fe40c2f19e1a923ce557f190622f39228745d3195d746dfe00c4a"
COG_MEMBER = "package/data/communes.json"
KEROFIS_URL = (
    "https://raw.githubusercontent.com/osm-bzh/data/"
    "b87a49245d358adb686f023a4653e71e7b1a8d81/kerofis/lechanvadurezh_20190501.csv"
)
KEROFIS_SHA256 = "c76f1ca9afe5a3925baf091227c135b007963e4ae00c58acba014ba6e3ffe52e"

DEPARTEMENTS = ("22", "29", "35", "44", "56")
OUTPUT = Path(__file__).resolve().parent.parent / "bot" / "search" / "communes.tsv"
HEADER = ("code", "departement", "name_fr", "name_br", "aliases")

# KerOfis adds a qualifier in brackets where two communes share a Breton name: "Ar Chapel-Nevez
# (22)", "Sant-Servez(-Landivizio)". The name is the part before; a qualifier that is a
# continuation ("(-Landivizio)") also gives the longer form people may type.
_QUALIFIER = re.compile(r"\s*\(([^)]*)\)\s*$")
_ARTICLE = re.compile(r"^(?:le|la|les|l)\s+")


def read_source(path: str | None, url: str, sha256: str) -> bytes:
    if path:
        data = Path(path).read_bytes()
    else:
        with urllib.request.urlopen(url, timeout=60) as response:  # noqa: S310 (fixed https URL)
            data = response.read()
    digest = hashlib.sha256(data).hexdigest()
    if digest != sha256:
        sys.exit(f"{path or url}: sha256 {digest}, expected {sha256}")
    return data


def same_name(a: str, b: str) -> bool:
    """Whether two spellings name the same place: accents, case, œ, apostrophes, hyphens and
    spaces aside, and a leading French article present on one side only."""
    return _folded(a) == _folded(b)


def _folded(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.casefold().replace("œ", "oe"))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    spaced = " ".join(re.sub(r"[’'\-\s]+", " ", bare).split())
    return _ARTICLE.sub("", spaced).replace(" ", "")


def breton_forms(dibab: str) -> tuple[str, tuple[str, ...]]:
    """(the name, longer forms also searchable) of a KerOfis chosen form."""
    qualifier = _QUALIFIER.search(dibab)
    if not qualifier:
        return dibab, ()
    name = dibab[: qualifier.start()]
    inside = qualifier.group(1)
    return name, ((name + inside,) if inside.startswith("-") else ())


@dataclass
class Commune:
    code: str
    departement: str
    name_fr: str
    name_br: str = ""
    aliases: list[str] = field(default_factory=list)

    def alias(self, *names: str) -> None:
        for name in names:
            known = (self.name_fr, self.name_br, *self.aliases)
            if name and not any(same_name(name, other) for other in known):
                self.aliases.append(name)

    def row(self) -> tuple[str, ...]:
        return (self.code, self.departement, self.name_fr, self.name_br, "|".join(self.aliases))


@dataclass
class Report:
    direct: int = 0
    merged: list[str] = field(default_factory=list)
    spelling: list[str] = field(default_factory=list)
    unattested: list[str] = field(default_factory=list)
    former_spelling: list[str] = field(default_factory=list)


def build(
    cog: list[dict[str, Any]], kerofis: dict[str, dict[str, str]]
) -> tuple[list[Commune], Report]:
    in_brittany = [entry for entry in cog if entry.get("departement") in DEPARTEMENTS]
    current = [entry for entry in in_brittany if entry["type"] == "commune-actuelle"]
    communes = {e["code"]: Commune(e["code"], e["departement"], e["nom"]) for e in current}
    # Former communes merged into a current one: delegated (or associated) communes, which the
    # COG still lists with their names, and the codes a commune absorbed ("anciensCodes").
    former: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in in_brittany:
        if entry["type"] in ("commune-deleguee", "commune-associee"):
            former[entry["chefLieu"]].append(entry)
    absorbed: dict[str, list[str]] = {e["code"]: e.get("anciensCodes", []) for e in current}
    report = Report()
    for code, commune in sorted(communes.items()):
        row = kerofis.get(code)
        if row is None:
            report.unattested.append(f"{code} {commune.name_fr}")
            continue
        french = f"{row['stagadenn']} {row['lec_hanv']}".strip()
        breton, longer = breton_forms(row["dibab"])
        if same_name(french, commune.name_fr):
            report.direct += 1
            commune.name_br = breton
            commune.alias(*longer)
        elif former[code] or absorbed[code]:
            # A commune nouvelle that kept the code of one of the communes it merged: KerOfis
            # names that former commune, whose names become the new commune's aliases.
            report.merged.append(f"{code} {commune.name_fr}: {french} = {breton}")
            commune.alias(french, breton, *longer)
        else:
            # The same commune, spelt or renamed differently since (no merger at this code).
            report.spelling.append(f"{code} {commune.name_fr} / {french} = {breton}")
            commune.name_br = breton
            commune.alias(french, *longer)
    for chef, entries in sorted(former.items()):
        for entry in entries:
            name = entry["nom"]
            communes[chef].alias(name)
            row = kerofis.get(entry["code"])
            if row is not None:  # the former commune's own code: the same place, by definition
                french = f"{row['stagadenn']} {row['lec_hanv']}".strip()
                if not same_name(french, name):
                    report.former_spelling.append(f"{entry['code']} {name} / {french}")
                breton, longer = breton_forms(row["dibab"])
                communes[chef].alias(breton, *longer)
    for code, olds in sorted(absorbed.items()):
        for old in olds:
            row = kerofis.get(old)
            if row is not None and not any(e["code"] == old for e in former[code]):
                french = f"{row['stagadenn']} {row['lec_hanv']}".strip()
                breton, longer = breton_forms(row["dibab"])
                communes[code].alias(french, breton, *longer)
    return [communes[code] for code in sorted(communes)], report


def read_cog(data: bytes) -> list[dict[str, Any]]:
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        member = archive.extractfile(COG_MEMBER)
        if member is None:
            sys.exit(f"{COG_MEMBER} missing from the package")
        entries: list[dict[str, Any]] = json.load(member)
    return entries


def read_kerofis(data: bytes) -> dict[str, dict[str, str]]:
    rows = csv.DictReader(io.StringIO(data.decode("utf-8")))
    return {
        row["insee"]: row
        for row in rows
        if row["rummad"] == "Kumun" and row["insee"][:2] in DEPARTEMENTS
    }


def write(communes: list[Commune], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter="\t", lineterminator="\n", quoting=csv.QUOTE_NONE)
        writer.writerow(HEADER)
        writer.writerows(commune.row() for commune in communes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cog", help="local copy of the @etalab/decoupage-administratif tarball")
    parser.add_argument("--kerofis", help="local copy of lechanvadurezh_20190501.csv")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    arguments = parser.parse_args()
    cog = read_cog(read_source(arguments.cog, COG_URL, COG_SHA256))
    kerofis = read_kerofis(read_source(arguments.kerofis, KEROFIS_URL, KEROFIS_SHA256))
    communes, report = build(cog, kerofis)
    write(communes, arguments.output)
    per_departement = {d: sum(c.departement == d for c in communes) for d in DEPARTEMENTS}
    print(f"communes: {len(communes)} {per_departement}")
    print(f"with a Breton name: {sum(bool(c.name_br) for c in communes)}")
    print(f"  names agreeing (once folded): {report.direct}")
    print(f"aliases: {sum(len(c.aliases) for c in communes)}")
    print(f"communes nouvelles named after a former commune by KerOfis: {len(report.merged)}")
    print(f"spelling or renaming (same commune, no merger at the code): {len(report.spelling)}")
    for line in report.spelling:
        print(f"  {line}")
    print(f"former communes spelt differently: {len(report.former_spelling)}")
    for line in report.former_spelling:
        print(f"  {line}")
    print(f"not in KerOfis: {len(report.unattested)} {report.unattested}")
    print(f"written: {arguments.output}")


if __name__ == "__main__":
    main()
