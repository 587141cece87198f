"""Rewrite tests/golden/results.json: the headline numbers of every params/*.yaml, recomputed by the
library functions the notebooks call. Run it deliberately (after a change meant to move a number) and
review the diff. Same as ``python -m study.analysis.questions --update-golden``."""

from study.analysis.questions import update_golden

if __name__ == "__main__":
    print(f"wrote {update_golden()}")
