"""click's own messages (usage errors, “Usage:”, “Try … for help.”) in the user's language.

click renders its messages through the standard ``gettext`` functions it imported into its modules.
``install()`` puts functions there that look each English text up in our catalogs (ids ``click.*``)
when the language is Chinese, and leave it as it is otherwise, so English stays click's own. A
text this table does not know stays English.
"""

from __future__ import annotations

import importlib

from .i18n import language, template

SINGULAR = {
    "Error: {message}": "click.error",
    "Try '{command} {option}' for help.": "click.try-help",
    "Usage:": "click.usage",
    "Missing argument": "click.missing-argument",
    "Missing option": "click.missing-option",
    "Missing parameter": "click.missing-parameter",
    "Missing command.": "click.missing-command",
    "No such option {name!r}.": "click.no-such-option",
    "No such command {name!r}.": "click.no-such-command",
    "Invalid value for {param_hint}: {message}": "click.invalid-value-for",
    "Invalid value: {message}": "click.invalid-value",
    "{value!r} is not a valid {number_type}.": "click.not-a-number",
    "Aborted!": "click.aborted",
}
"""click's text → our message id."""
PLURAL = {
    "Did you mean {possibility}?": ("click.did-you-mean", "click.did-you-mean-many"),
    "Option {name!r} requires an argument.": ("click.option-needs-value", "click.option-needs-values"),
    "{value!r} is not {choice}.": ("click.not-the-choice", "click.not-a-choice"),
    "Got unexpected extra argument ({args})": ("click.extra-argument", "click.extra-arguments"),
}
"""click's singular text → our ids for one and for many."""
_MODULES = ("click.core", "click.exceptions", "click.parser", "click.types", "click.formatting", "click.decorators")


def gettext(message: str) -> str:
    if message in SINGULAR and language() == "zh":
        return template(SINGULAR[message], "zh") or message
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    if singular in PLURAL and language() == "zh":
        one, many = PLURAL[singular]
        return template(one if n == 1 else many, "zh") or (singular if n == 1 else plural)
    return singular if n == 1 else plural


def install() -> None:
    """Route click's message lookups through ``gettext``/``ngettext`` above."""
    for name in _MODULES:
        module = importlib.import_module(name)
        if hasattr(module, "_"):
            module._ = gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = ngettext  # type: ignore[attr-defined]
