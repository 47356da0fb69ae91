"""Error types shared by the build and the app: each names what the user can act on."""

from __future__ import annotations

from collections.abc import Iterable


def _examples(rows: Iterable[object], limit: int = 5) -> str:
    items = [str(r) for r in list(rows)[:limit]]
    return ", ".join(items)


class SourceError(Exception):
    """A source file that cannot be used as it is: names the file, the column and rows."""

    def __init__(
        self,
        source_key: str,
        file: str,
        message: str,
        *,
        column: str | None = None,
        examples: Iterable[object] = (),
    ) -> None:
        self.source_key = source_key
        self.file = file
        self.column = column
        self.examples = list(examples)[:5]
        parts = [f"Source « {source_key} » ({file})"]
        if column:
            parts.append(f"colonne « {column} »")
        text = " — ".join(parts) + f" : {message}"
        if self.examples:
            text += f" Exemples : {_examples(self.examples)}."
        self.detail = message
        super().__init__(text)


class CheckError(Exception):
    """A declared data check failed at the end of the build."""

    def __init__(self, failures: list[str]) -> None:
        self.failures = failures
        super().__init__(
            "La construction a échoué : "
            + str(len(failures))
            + " contrôle(s) de données en échec ; la base précédente est conservée.\n- "
            + "\n- ".join(failures)
        )


class QueryError(Exception):
    """A named query failed: carries the SQL file name and its parameters."""

    def __init__(self, name: str, params: dict, cause: Exception) -> None:
        self.name = name
        self.params = params
        self.cause = cause
        super().__init__(f"Requête « {name} » en échec (paramètres {params!r}) : {cause}")


class DatabaseMissingError(Exception):
    """The database file is missing or was built by another schema version."""
