"""Generate invented testimony of any size, as transcript files or as a ready project.

    python scripts/make_corpus.py files OUT_DIR --words 200000
    python scripts/make_corpus.py project OUT_DIR --excerpts 100000 [--codings 100000]

`files` writes plain-text transcripts (speaker turns, names, places, phones)
for import benchmarks. `project` builds a whole project from them quickly:
the name pools are the redaction lists, so no language model runs, and the
vault and pseudonyms are filled exactly as a normal import fills them.
`--codings` adds random codings by two coders for retrieval and export work.
Everything is invented; the same --seed gives the same corpus.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

GIVEN = {
    "kazakh": [
        "Aigerim",
        "Yerlan",
        "Dinara",
        "Nurlan",
        "Gaukhar",
        "Serik",
        "Zhanar",
        "Bauyrzhan",
        "Madina",
        "Aliya",
        "Asel",
        "Daulet",
        "Saule",
        "Yerzhan",
        "Akmaral",
        "Timur",
    ],
    "russian": [
        "Olga",
        "Aleksandr",
        "Svetlana",
        "Dmitry",
        "Natalya",
        "Sergei",
        "Irina",
        "Pavel",
        "Lyudmila",
        "Andrei",
    ],
    "uzbek": ["Dilnoza", "Rustam", "Malika", "Sherzod", "Nodira", "Jasur", "Gulchehra"],
    "uyghur": ["Gulnara", "Ablimit", "Mahire", "Ilyar", "Patigul", "Nurmemet"],
    "korean": ["Svetlana", "Vladimir", "Yuna", "Konstantin", "Marina", "Viktor"],
    "tatar": ["Rezeda", "Ilnur", "Guzel", "Rinat", "Alsu", "Ramil"],
    "ukrainian": ["Oksana", "Taras", "Halyna", "Bohdan", "Iryna", "Mykola"],
    "english": ["Emily", "James", "Claire", "Thomas", "Sarah", "Oliver"],
}
SURNAMES = {
    "kazakh": [
        "Tulegenov",
        "Abenova",
        "Omarova",
        "Seitkali",
        "Zhaksylykova",
        "Nurmagambetov",
        "Abdrakhmanov",
        "Sultanbekova",
        "Beisenova",
        "Kassymov",
    ],
    "russian": ["Sidorenko", "Ivanova", "Petrov", "Kuznetsova", "Volkov", "Morozova"],
    "uzbek": ["Karimov", "Khodjaeva", "Yusupova", "Rakhimov"],
    "uyghur": ["Tursunova", "Iminova", "Sabirov", "Abdurakhmanova"],
    "korean": ["Kim", "Pak", "Tsoi", "Li", "Khegai"],
    "tatar": ["Gabdullina", "Khairullin", "Zakirova", "Safin"],
    "ukrainian": ["Kovalenko", "Shevchenko", "Bondarenko", "Tkachuk"],
    "english": ["Carter", "Whitfield", "Morgan", "Hughes"],
}
PLACES = [
    "Almaty",
    "Shymkent",
    "Taraz",
    "Karaganda",
    "Temirtau",
    "Aktobe",
    "Taldykorgan",
    "Kaskasu",
    "Zhanatalap",
    "Sairam",
    "Turkestan",
    "Kyzylorda",
    "Oral",
    "Semey",
]
ORGS = [
    "Crisis Centre Komek",
    "Shelter Umit",
    "Magnum on Tole bi",
    "school No. 48",
    "the Auezov district police department",
    "the city polyclinic No. 4",
    "Zhan-Ana centre",
]
RELATIONS = [
    "husband",
    "mother-in-law",
    "sister",
    "brother",
    "neighbour",
    "father-in-law",
    "cousin",
    "son",
    "daughter",
    "ex-husband",
]
QUESTIONS = [
    "When did it start?",
    "What happened then?",
    "Did you go to the police?",
    "What did the officer say?",
    "Who helped you?",
    "Where did you go that night?",
    "Did anyone in the family know?",
    "Tell me about the crisis centre.",
    "What would you ask for, if you could?",
    "How did you manage with money?",
    "Did you know about protection orders?",
    "What happened in court?",
    "And the children, where were they?",
    "Can you say more about that?",
]
SENTENCES = [
    "My {rel} {person} hit me in front of the children, and then he said it was my fault.",
    "We lived in {place}, in a rented flat on {street} street, number {n}.",
    "I called the police, the district inspector came, his name was {person}, "
    "and he said there were no visible wounds.",
    "{person} told me, um, you are a woman, you must endure, sabyr, every family has this.",
    "I went to {org} and the woman there, {person}, asked me why I made him angry.",
    "He took my passport and my phone, I only had the number of {person}, {phone}.",
    "The fine was paid from our family money, so in the end I paid for my own beating.",
    "In {year} I finally left with the children and went to my {rel} in {place}.",
    "Nobody told me about the protection order, I learned about it from {person} much later.",
    "He was released after ten days of administrative arrest and came straight home.",
    'My {rel} {person} said, "{given}, go back, think of the children."',
    "I worked at {org} before, but he made me quit, he said a wife should be at home.",
    "The lawyer, {person}, explained that I would have to prosecute him myself, privately.",
    "[pause] I don't know. I was afraid all the time, even at night.",
    "They wrote the statement but then said, take it back, make peace, it's a family matter.",
    "{person} from {place} phoned him and told him where I was staying.",
    "At the hospital they wrote only bruises, and the forensic exam cost money I didn't have.",
    "Yes. [crying] Sorry. Yes, it was like that for six years.",
    "His brother works in the police in {place}, so everybody knew nothing would happen.",
    "Now I live with my two children and I work in a café, it is hard but it is quiet.",
]


class Generator:
    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed)

    def person(self) -> str:
        origin = self.random.choice(list(GIVEN))
        given = self.random.choice(GIVEN[origin])
        if self.random.random() < 0.5:
            return given
        return f"{given} {self.random.choice(SURNAMES[origin])}"

    def phone(self) -> str:
        d = "".join(str(self.random.randint(0, 9)) for _ in range(7))
        code = self.random.choice(["701", "707", "747", "777", "705"])
        return f"+7 {code} {d[:3]} {d[3:5]} {d[5:]}"

    def sentence(self) -> str:
        template = self.random.choice(SENTENCES)
        return template.format(
            rel=self.random.choice(RELATIONS),
            person=self.person(),
            place=self.random.choice(PLACES),
            org=self.random.choice(ORGS),
            street=self.random.choice(["Abay", "Pushkina", "Tole bi", "Zhibek Zholy", "Lenina"]),
            n=self.random.randint(1, 200),
            phone=self.phone(),
            year=self.random.randint(2009, 2024),
            given=self.random.choice(GIVEN[self.random.choice(list(GIVEN))]),
        )

    def transcript(self, turns: int) -> str:
        respondent = self.random.choice(GIVEN["kazakh"] + GIVEN["russian"]).upper()
        lines = []
        for _ in range(turns // 2):
            lines.append(f"INTERVIEWER: {self.random.choice(QUESTIONS)}")
            answer = " ".join(self.sentence() for _ in range(self.random.randint(1, 6)))
            lines.append(f"{respondent}: {answer}")
        return "\n\n".join(lines) + "\n"


def write_files(
    folder: Path, words: int = 0, excerpts: int = 0, seed: int = 7, turns_per_file: int = 120
) -> list[Path]:
    """Write transcripts until the word or excerpt target is reached."""
    generator = Generator(seed)
    folder.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    total_words = total_turns = 0
    while (words and total_words < words) or (excerpts and total_turns < excerpts):
        turns = turns_per_file if not excerpts else min(turns_per_file, excerpts - total_turns + 1)
        text = generator.transcript(max(turns, 2))
        path = folder / f"generated-{len(paths) + 1:05d}.txt"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
        total_words += len(text.split())
        total_turns += max(turns, 2) // 2 * 2
    return paths


def excerpt_texts(paths: list[Path]) -> list[list[str]]:
    """Each file's excerpt texts, cut as import cuts them (for benchmarks)."""
    from testimony.ingest.readers import READERS
    from testimony.ingest.segment import excerpts_from_turns

    texts = []
    for path in paths:
        result = READERS[path.suffix][1](path, path.read_bytes(), {})
        texts.append([e.text for d in result.documents for e in excerpts_from_turns(d.turns)])
    return texts


def name_lists() -> dict[str, list[str]]:
    """Every name, surname, place and organisation the generator uses: the redaction lists."""
    people = {n for pool in GIVEN.values() for n in pool}
    people |= {n for pool in SURNAMES.values() for n in pool}
    return {"PERSON": sorted(people), "GPE": PLACES, "ORG": ORGS}


def build_project(folder: Path, excerpts: int, codings: int, seed: int) -> None:
    from testimony.codebook import load_codebook
    from testimony.coding.themes import import_codebook
    from testimony.project import init_project
    from testimony.redact.importer import import_files
    from testimony.redact.pipeline import RedactionPipeline

    project = init_project(folder, name="generated corpus")
    repo = Path(__file__).resolve().parents[1]
    with project.session() as s, s.begin():
        import_codebook(s, load_codebook(repo / "codebooks" / "domestic-violence.yaml"))
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_files(Path(tmp), excerpts=excerpts, seed=seed)
        pipeline = RedactionPipeline(use_ner=False)
        for label, names in name_lists().items():
            for name in names:
                pipeline.add_known(name, label, detector="list")
        report = import_files(project, paths, pipeline=pipeline, actor="make_corpus")
    print(
        f"imported {len(report.results)} files in {time.perf_counter() - started:.1f} s",
        file=sys.stderr,
    )
    if codings:
        add_codings(project, codings, seed)
    project.close()


def add_codings(project, count: int, seed: int) -> None:  # noqa: ANN001
    """Random codings on random sentence spans by two coders."""
    from sqlalchemy import insert, select

    from testimony.db.models import Coder, Coding, Excerpt, Theme

    rng = random.Random(seed)
    with project.session() as s, s.begin():
        coders = [Coder(name="ana"), Coder(name="ben")]
        s.add_all(coders)
        s.flush()
        themes = list(s.scalars(select(Theme.id)))
        excerpts = list(s.execute(select(Excerpt.id, Excerpt.text)).all())
        rows = []
        for _ in range(count):
            excerpt_id, text = rng.choice(excerpts)
            start = rng.randrange(0, max(1, len(text) - 20))
            end = min(len(text), start + rng.randint(20, 300))
            rows.append(
                {
                    "excerpt_id": excerpt_id,
                    "start": start,
                    "end": end,
                    "theme_id": rng.choice(themes),
                    "coder_id": rng.choice(coders).id,
                }
            )
        s.execute(insert(Coding), rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    files = sub.add_parser("files", help="write transcript files")
    files.add_argument("out", type=Path)
    files.add_argument("--words", type=int, default=200_000)
    project = sub.add_parser("project", help="build a ready project")
    project.add_argument("out", type=Path)
    project.add_argument("--excerpts", type=int, default=100_000)
    project.add_argument("--codings", type=int, default=0)
    for p in (files, project):
        p.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if args.mode == "files":
        paths = write_files(args.out, words=args.words, seed=args.seed)
        print(f"wrote {len(paths)} files to {args.out}")
    else:
        build_project(args.out, args.excerpts, args.codings, args.seed)
        print(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
