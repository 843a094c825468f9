"""`qmetl orgs`: curate the organization registry — list unresolved forms, add aliases."""

from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table as RichTable

from loaders.db import get_engine
from loaders.organizations import activities_per_organization, unresolved_organizers
from normalizers.orgs.registry import ORGANIZATIONS, append_alias, reload_registry
from normalizers.orgs.resolve import clean
from normalizers.orgs.suggest import suggest
from pipeline.cli.options import DbOption
from pipeline.cli.output import ready_store

orgs_app = typer.Typer(help="Organization registry: unresolved forms and aliases.", no_args_is_help=True)
console = Console()


@orgs_app.command("unresolved")
def unresolved(
    db: str | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Organizer forms the registry did not resolve, with counts and example documents."""
    settings = ready_store(db)
    rows = unresolved_organizers(get_engine(settings.db))
    for r in rows:
        r["suggestions"] = suggest(r["name"])
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    table = RichTable("raw", "kept as", "count", "documents", "similar registry names (unconfirmed)",
                      title=f"{len(rows)} unresolved organizer forms")
    for r in rows:
        table.add_row(r["raw"], r["name"], str(r["count"]), ", ".join(r["documents"]), "; ".join(r["suggestions"]))
    console.print(table)
    if rows:
        console.print("fix with: qmetl orgs add RAW CANONICAL, then qmetl renormalize (the data hash changes the normalizer version)")


@orgs_app.command("counts")
def counts(
    db: str | None = DbOption,
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Activities per canonical organization per year, counted per notice (a notice's PDF, DOCX and scan count once)."""
    settings = ready_store(db)
    rows = activities_per_organization(get_engine(settings.db))
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=1))
        return
    table = RichTable("year", "organization", "activities", "as lead", "notices",
                      title=f"{len(rows)} rows (per notice: the files of one notice count once)")
    for r in rows:
        table.add_row(str(r["year"] or ""), r["organization"], str(r["activities"]), str(r["as_lead"]),
                      str(r["notices"]))
    console.print(table)


@orgs_app.command("add")
def add(raw: str = typer.Argument(..., help="the form as written, with its region (苏州市园林绿化局)"),
        canonical: str = typer.Argument(..., help="the body's full official name")) -> None:
    """Record RAW as an alias of CANONICAL in normalizers/data/organizations.csv."""
    raw, canonical = clean(raw), clean(canonical)
    if not raw or not canonical:
        raise typer.BadParameter("RAW and CANONICAL must be non-empty names")
    append_alias(raw, canonical)
    reload_registry()
    console.print(f"{raw} → {canonical} recorded in {ORGANIZATIONS}; run qmetl renormalize to apply it")


@orgs_app.command("resolve")
def resolve_cmd(
    raw: str = typer.Argument(..., help="organizer string as written, e.g. 区市场监管局、区总工会"),
    region: str | None = typer.Option(None, "--region", help="the notice's region (full path, 吉林省长春市朝阳区)"),
    level: str | None = typer.Option(None, "--level", help="national / provincial / municipal / district / industry"),
    year: int | None = typer.Option(None, "--year", help="campaign year (decides which divisions and which body names are current)"),
    as_json: bool = typer.Option(False, "--json", help="Print JSON instead of a table."),
) -> None:
    """Show how an organizer string resolves in a notice's context: bodies, roles, status, evidence."""
    from normalizers.organizations import resolve
    from normalizers.regions import by_path

    if region and by_path(region, year) is None:
        raise typer.BadParameter(f"--region {region!r}: not a GB/T 2260 division path (e.g. 吉林省长春市朝阳区)")
    refs = resolve(raw, region, level, year)
    if as_json:
        typer.echo(json.dumps([r.model_dump() for r in refs], ensure_ascii=False, indent=1))
        return
    table = RichTable("raw", "body", "role", "status", "method", "candidates / evidence",
                      title=f"{raw} in {region or 'no region'} ({level or '-'}, {year or '-'})")
    for r in refs:
        body = r.name + (f"\n(in {year}: {r.current})" if r.current else "")
        table.add_row(r.raw, body, r.role, r.status or "", r.method or "", "; ".join(r.candidates or r.evidence))
    console.print(table)
