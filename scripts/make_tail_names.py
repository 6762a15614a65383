#!/usr/bin/env python3
"""Builds data/tail_names_mx.tsv (the long-tail filler of names_freq_mx.md).

Input: the person lists of the MIT-licensed Python package Faker 40.54.0
(`faker/providers/person/<locale>/__init__.py`), unpacked at the path given as
argument 1, and the three frequency tables in data/. Output on stdout:
`KIND<TAB>NAME`, KIND `S` (surname), `H` / `M` (given name by sex), in rank
order: locale by locale (es_MX first), then in each locale Faker's own order.
A name is kept only if neither it nor its accent-stripped form is already in a
frequency table (any sex), and it is not a typo or a non-name listed in DROP;
a given name must also not be a nickname of data/nicknames_mx.tsv or a surname.
"""
import importlib
import sys
import unicodedata

DROP = {
    # typos of table surnames, non-names, cut words (checked by hand)
    "GARICA", "JIMÍNEZ", "RODRÍGEZ", "RODRÍQUEZ", "GOLLUM", "JOS", "SESSA",
}
LOCALES = ["es_MX", "es_ES", "es_CL", "es_CO", "es_AR"]


def strip(s):
    d = unicodedata.normalize("NFD", s)
    keep = "".join(c for c in d if unicodedata.category(c) != "Mn" or c == "\u0303")
    return unicodedata.normalize("NFC", keep)


def load(path):
    with open(path, encoding="utf-8") as f:
        return {line.split("\t")[0] for line in f}


def main():
    sys.path.insert(0, sys.argv[1])
    sur = load("data/surnames_mx.tsv")
    given = load("data/given_names_mx.tsv") | load("data/given_names_mx_births2020.tsv")
    nick = {line.split("\t")[0] for line in open("data/nicknames_mx.tsv", encoding="utf-8")}
    known = {"S": sur | {strip(x) for x in sur}, "G": given | {strip(x) for x in given}}
    # A given name that is a nickname (the corruption model's job) or a surname
    # (ambiguous field) is not a useful tail value.
    not_given = sur | {strip(x) for x in sur} | nick
    seen = set()
    for loc in LOCALES:
        p = importlib.import_module("faker.providers.person." + loc).Provider
        for kind, attr in (("S", "last_names"), ("H", "first_names_male"), ("M", "first_names_female")):
            names = getattr(p, attr, ())
            if isinstance(names, dict):
                names = list(names.keys())
            table = known["S" if kind == "S" else "G"]
            for raw in names:
                name = " ".join(unicodedata.normalize("NFC", raw.upper()).split())
                if not name.replace(" ", "").isalpha() or name in DROP:
                    continue
                if kind != "S" and (name in not_given or strip(name).replace("Ñ", "N") in not_given):
                    continue
                if name in table or strip(name) in table or (kind, name) in seen:
                    continue
                seen.add((kind, name))
                print(f"{kind}\t{name}")


if __name__ == "__main__":
    main()
