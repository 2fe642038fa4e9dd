"""The registry's claims: one worker computes a content key while the others wait; a failed or lost worker's
claim passes on (the parts of :mod:`auditkit.ray_artefacts` that need no Ray instance)."""

from __future__ import annotations

from auditkit.ray_artefacts import ArtefactRegistry

KEY = ("attribution", "integrated_gradients")


def test_the_first_asker_computes_and_the_others_wait() -> None:
    registry = ArtefactRegistry()
    assert registry.claim("d1", 0, *KEY) == ("compute", [])
    assert registry.claim("d1", 1, *KEY) == ("wait", [])
    assert registry.claim("d1", 0, *KEY) == ("compute", [])  # the same worker again: restarted, computes again
    assert registry.claim("d2", 1, *KEY) == ("compute", [])  # another key is independent
    assert registry.counts()["computed"] == {"attribution/integrated_gradients": 3}


def test_a_released_or_forgotten_claim_goes_to_the_next_asker() -> None:
    registry = ArtefactRegistry()
    registry.claim("d1", 0, *KEY)
    registry.release("d1", 1)  # not the holder: nothing changes
    assert registry.claim("d1", 1, *KEY) == ("wait", [])
    registry.release("d1", 0)
    assert registry.claim("d1", 1, *KEY) == ("compute", [])
    registry.claim("d2", 1, *KEY)
    registry.forget_worker(1)  # died for good: its claims pass on
    assert registry.claim("d1", 2, *KEY) == ("compute", [])
    assert registry.claim("d2", 2, *KEY) == ("compute", [])
