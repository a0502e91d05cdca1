"""`nextline kb check [DIR]` and `nextline kb drugs`: the knowledge base itself."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from nextline.cli._common import JSON_HELP, print_json

kb_app = typer.Typer(
    name="kb",
    help="Check and list the knowledge base (drugs, regimens, sources).",
    no_args_is_help=True,
)


@kb_app.command("check")
def check(
    data_dir: Annotated[
        Path | None,
        typer.Argument(help="A knowledge folder to check (default: the built-in one)."),
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False,
) -> None:
    """Check every knowledge file: schema, sources and cross-references. Exit 1 on problems."""
    from nextline.errors import KnowledgeInvalid
    from nextline.knowledge import load_knowledge

    where = str(data_dir) if data_dir else "built-in knowledge"
    try:
        kb = load_knowledge(data_dir, use_cache=False)  # a check reads every file again
    except KnowledgeInvalid as exc:
        if json_out:
            print_json({"ok": False, "problems": [vars(p) for p in exc.problems]})
        else:
            for problem in exc.problems:
                typer.echo(str(problem))
            typer.echo(f"{where}: {len(exc.problems)} problem(s)")
        raise typer.Exit(1) from None
    counts = {
        "sources": len(kb.sources),
        "classes": len(kb.classes),
        "drugs": len(kb.drugs),
        "lab_tests": len(kb.lab_tests),
        "regimens": len(kb.options.regimens) if kb.options else 0,
        "non_drug_options": len(kb.options.non_drug) if kb.options else 0,
        "tests_to_consider": len(kb.options.tests) if kb.options else 0,
    }
    if json_out:
        print_json({"ok": True, "version": kb.version, "counts": counts, "problems": []})
        return
    summary = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in counts.items())
    typer.echo(f"{where}: ok (version {kb.version}): {summary}")


@kb_app.command("drugs")
def drugs(json_out: Annotated[bool, typer.Option("--json", help=JSON_HELP)] = False) -> None:
    """List every drug: generic name, brands and biosimilars, class, route, U.S. approval."""
    from nextline.knowledge import load_knowledge

    kb = load_knowledge()
    rows = [
        {
            "id": d.id,
            "name": d.name,
            "brands": d.brands,
            "biosimilars": d.biosimilars,
            "classes": d.classes,
            "contains": d.contains,
            "route": d.route,
            "how_given": d.how_given,
            "rxnorm": d.rxnorm,
            "us_approved": d.us_approved,
        }
        for d in sorted(kb.drugs.values(), key=lambda d: (kb.family_of(d), d.name))
    ]
    if json_out:
        print_json({"version": kb.version, "drugs": rows})
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"Drugs (knowledge checked {kb.version})")
    for column in ("generic name", "brands / biosimilars", "class", "route", "U.S."):
        table.add_column(column)
    for row in rows:
        drug = kb.drugs[str(row["id"])]
        table.add_row(
            drug.name,
            ", ".join([*drug.brands, *drug.biosimilars]),
            ", ".join(kb.classes[c].name for c in drug.classes),
            drug.route,
            "yes" if drug.us_approved else "no",
        )
    Console().print(table)


def register(app: typer.Typer) -> None:
    app.add_typer(kb_app)
