"""The README's Python example runs as written (study -> pandas -> matplotlib)."""
import os
import re

import pytest

README = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")


def test_readme_python_example_runs(tmp_path, monkeypatch, capsys):
    pytest.importorskip("pandas")
    pytest.importorskip("matplotlib")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    text = open(README).read()
    section = text[text.index("## Python\n"):text.index("\n## ", text.index("## Python\n") + 1)]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1
    monkeypatch.chdir(tmp_path)
    exec(compile(blocks[0], "README.md", "exec"), {})
    assert (tmp_path / "solved_vs_lr.png").stat().st_size > 1000
    out = capsys.readouterr().out
    assert "using cpu" in out or "using cuda" in out
    assert "Accuracy: 50.00%" not in out and "Outcome: iterations=20000" in out
