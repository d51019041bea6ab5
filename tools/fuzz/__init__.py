"""A Hypothesis-driven fuzzer of tmath_array's public functions (see docs/reliability-fuzzing.md).

``python -m tools.fuzz --calls N --seed S``: the runner (:mod:`.runner`) runs the
calls in a worker process (:mod:`.worker`), which draws them (:mod:`.targets`,
:mod:`.special`, :mod:`.gen`, :mod:`.values`) and judges them (:mod:`.check`).
"""
