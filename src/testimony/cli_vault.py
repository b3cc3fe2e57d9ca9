"""`testimony vault ...`: the vault's passphrase protection and its files' permissions.

The passphrase is asked for with a hidden prompt on a terminal, or read from
TESTIMONY_VAULT_PASSPHRASE (and TESTIMONY_VAULT_NEW_PASSPHRASE when changing
it) by scripts. It is never an option: options end up in shell histories.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from pathlib import Path

import click

from testimony.cli import Context, TestimonyGroup, pass_ctx
from testimony.db import audit
from testimony.errors import TestimonyError
from testimony.project import Project
from testimony.vault import protection
from testimony.vault.crypto import ENV_NEW_PASSPHRASE, ENV_PASSPHRASE, VaultLocked
from testimony.vault.permissions import exposure_warning, warn_if_exposed

MIN_LENGTH = 8


def prompt_passphrase(
    prompt: str = "Vault passphrase", env: str = ENV_PASSPHRASE, new: bool = False
) -> str:
    """From the environment, else a hidden prompt on a terminal; a clear error otherwise."""
    passphrase = os.environ.get(env)
    if not passphrase:
        if not sys.stdin.isatty():
            what = "a new passphrase is needed" if new else "the vault is encrypted"
            raise VaultLocked(f"{what} and this run cannot ask for it: set {env}")
        passphrase = click.prompt(prompt, hide_input=True, confirmation_prompt=new, err=True)
    if new and len(passphrase) < MIN_LENGTH:
        raise TestimonyError(f"the passphrase must have at least {MIN_LENGTH} characters")
    return passphrase


def new_passphrase(env: str = ENV_PASSPHRASE) -> str:
    return prompt_passphrase("New vault passphrase", env, new=True)


@click.group("vault", cls=TestimonyGroup)
def vault_group() -> None:
    """The identifier vault's protection: its passphrase and its files' permissions.

    With a passphrase, every column of vault.db holding raw text or an
    identifier is encrypted (AES-256-GCM under a key derived with scrypt);
    commands that read the vault ask for it on a terminal or read
    TESTIMONY_VAULT_PASSPHRASE. A lost passphrase cannot be recovered.
    """


@vault_group.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print the status as JSON.")
@pass_ctx
def vault_status(obj: Context, as_json: bool) -> None:
    """Whether the vault is encrypted, and whether its files are private. No passphrase needed."""
    path = _vault_path(obj.project, warn=False)
    warning = exposure_warning(path)
    header = protection.header_of(path)
    mode = stat.S_IMODE(path.stat().st_mode)
    status = {
        "vault": str(path),
        "encrypted": header is not None,
        "kdf": None if header is None else f"scrypt n={header.n} r={header.r} p={header.p}",
        "cipher": None if header is None else "AES-256-GCM",
        "mode": f"{mode:04o}",
        "private": warning is None,
    }
    if as_json:
        click.echo(json.dumps(status, indent=2))
    else:
        click.echo(f"{path.name}: mode {status['mode']}")
        if header is None:
            click.echo("not encrypted (testimony vault encrypt adds a passphrase)")
        else:
            click.echo(f"encrypted: {status['cipher']}, key from {status['kdf']}")
    if warning:
        click.echo(warning, err=True)


@vault_group.command("encrypt")
@pass_ctx
def vault_encrypt(obj: Context) -> None:
    """Protect the vault with a passphrase: every raw text and identifier is encrypted.

    All rows are rewritten in one transaction (an interruption leaves the
    vault as it was), then the file is rebuilt so no plain text stays in it.
    """
    project = obj.project
    path = _vault_path(project)
    if protection.header_of(path) is not None:
        raise TestimonyError(
            "the vault is already encrypted (testimony vault passphrase changes the passphrase)"
        )
    passphrase = new_passphrase()
    project.close()
    protection.encrypt(path, passphrase)
    _audit(project, "vault-encrypt")
    click.echo(f"encrypted {path.name}; without the passphrase it cannot be read, keep it safe")


@vault_group.command("passphrase")
@pass_ctx
def vault_passphrase(obj: Context) -> None:
    """Change the vault's passphrase (the current one from TESTIMONY_VAULT_PASSPHRASE or a
    prompt, the new one from TESTIMONY_VAULT_NEW_PASSPHRASE or a prompt).

    The vault is encrypted again under a new key, so a copy of the old passphrase
    opens nothing written from now on.
    """
    project = obj.project
    path = _vault_path(project)
    if protection.header_of(path) is None:
        raise TestimonyError("the vault has no passphrase (testimony vault encrypt adds one)")
    old = prompt_passphrase("Current vault passphrase")
    protection.check_passphrase(path, old)  # a wrong one is refused before a new one is asked
    new = new_passphrase(ENV_NEW_PASSPHRASE)
    project.close()
    protection.change_passphrase(path, old, new)
    _audit(project, "vault-passphrase")
    click.echo(f"changed the passphrase of {path.name}")


@vault_group.command("decrypt")
@pass_ctx
def vault_decrypt(obj: Context) -> None:
    """Remove the passphrase: the vault's text is stored in the clear again (mode 0600)."""
    project = obj.project
    path = _vault_path(project)
    if protection.header_of(path) is None:
        raise TestimonyError("the vault is not encrypted")
    passphrase = prompt_passphrase()
    protection.check_passphrase(path, passphrase)
    project.close()
    protection.decrypt(path, passphrase)
    _audit(project, "vault-decrypt")
    click.echo(f"decrypted {path.name}; it is protected by its file mode alone now")


def _vault_path(project: Project, warn: bool = True) -> Path:
    path = project.vault_path
    if not path.is_file():
        raise TestimonyError(
            f"no vault at {path}: this command needs the identifier vault, which reviewers hold"
        )
    if warn:
        warn_if_exposed(path)
    return path


def _audit(project: Project, action: str) -> None:
    with project.session() as s, s.begin():
        audit.append(s, project.actor(), action, "vault")
    project.close()
