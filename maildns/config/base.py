"""The base of every config model: unknown keys refused, immutable, and one place that raises
every rule a model breaks, all together (so a file with five problems prints five lines)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, model_validator

from maildns.config.fields import RuleErrors
from maildns.errors import RuleError


class Model(BaseModel):
    """Base of every config model: unknown keys refused, immutable, field docstrings kept, and
    the one place a model's failed rules are raised, all together."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)

    def rules(self) -> list[RuleError]:
        """Every rule across this model's fields that the values break, one error each (paths relative to the model)."""
        return []

    @model_validator(mode="after")
    def _check_rules(self) -> Model:
        found = self.rules()
        if found:
            raise RuleErrors(found)
        return self
