"""The base of the app's pydantic models: each is built the first time it is used.

pydantic builds a model's validator and serializer when its class is created,
unless told to wait (``defer_build``). Most of the app's models live nested in
another (a profile's support plans, contacts and channels, a request's
attachments and findings): the outer model's validator carries their schema,
and theirs is needed only when one is validated or dumped on its own. Built
at their first use, the models the first window never uses on their own cost
its start nothing (about 60 ms fewer before the form is in,
``benchmarks/gui_startup.py``).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["Model"]


class Model(BaseModel):
    """A pydantic model built at its first use (the configuration of a subclass adds to this one)."""

    model_config = ConfigDict(defer_build=True)
