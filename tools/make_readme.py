#!/usr/bin/env python
"""Write README.md from nbs/index.ipynb, offline (nbconvert, no quarto); `--check` fails when they disagree.

nbdev's `nbdev_readme` needs quarto, which cannot be installed everywhere: this does the same job for
GitHub-flavoured markdown. Cells marked `#| hide` are dropped, other `#|` directives are stripped,
images in outputs are written to `README_files/`.
"""
import argparse
import re
import sys
from pathlib import Path

import nbformat
from nbconvert import MarkdownExporter
from traitlets.config import Config

ROOT = Path(__file__).resolve().parents[1]
DIRECTIVE = re.compile(r"^\s*#\s*\|\s*(.*)$")


def _directives(source: str) -> list[str]:
    "The nbdev `#| ...` directives at the top of a cell."
    out = []
    for line in source.splitlines():
        m = DIRECTIVE.match(line)
        if not m: break
        out.append(m.group(1).strip())
    return out


def render(nb_path: Path = ROOT / "nbs" / "index.ipynb") -> tuple[str, dict[str, bytes]]:
    "Markdown text and output images of `nb_path`, as README.md shows them."
    nb = nbformat.read(nb_path, as_version=4)
    cells = []
    for cell in nb.cells:
        direcs = {d.replace(" ", "") for d in _directives(cell.source)}
        if direcs & {"hide", "include:false"}: continue
        if cell.cell_type == "code":
            cell.source = "\n".join(l for l in cell.source.splitlines() if not DIRECTIVE.match(l)).strip("\n")
            if "echo:false" in direcs: cell.metadata.setdefault("tags", []).append("remove_input")
        cells.append(cell)
    nb.cells = cells
    body, resources = MarkdownExporter(config=Config(TagRemovePreprocessor={"remove_input_tags": {"remove_input"}, "enabled": True})).from_notebook_node(nb, resources={"output_files_dir": "README_files"})
    body = re.sub(r"\n{3,}", "\n\n", body).strip() + "\n"
    header = "<!-- Generated from nbs/index.ipynb by tools/make_readme.py: edit the notebook, not this file. -->\n\n"
    return header + body, resources.get("outputs", {})


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--check", action="store_true", help="exit 1 if README.md is not what index.ipynb gives")
    args = p.parse_args(argv)
    text, images = render()
    readme = ROOT / "README.md"
    if args.check:
        stale = [n for n, b in images.items() if not (ROOT / n).exists() or (ROOT / n).read_bytes() != b]
        if readme.read_text(encoding="utf-8") != text or stale:
            print("README.md is out of date with nbs/index.ipynb: run `python tools/make_readme.py`", file=sys.stderr)
            return 1
        print("README.md matches nbs/index.ipynb")
        return 0
    for name, data in images.items():
        (ROOT / name).parent.mkdir(parents=True, exist_ok=True)
        (ROOT / name).write_bytes(data)
    tmp = readme.with_suffix(".md.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(readme)
    print(f"wrote {readme.relative_to(ROOT)}" + (f" and {len(images)} image(s) in README_files/" if images else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
