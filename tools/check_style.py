#!/usr/bin/env python3
"""House-style limits that review would otherwise have to count by hand (run as a ctest).

Every C++ file of models/, sim/ and analysis/ has fewer than 800 lines and every function body
fewer than 120. Functions are found by brace matching: a `{` that ends a line which reads like a
function head (a parameter list, no control keyword, not an initializer) opens a body, and the body
ends where its brace depth closes. Lambdas and local classes count toward the function that holds
them, as a reader would count them.

usage: check_style.py [ROOT]     exit 1 and one line per violation when a limit is broken
       check_style.py --self-test  check the checker on a made-up tree (a long file, a long function,
                                   a function of exactly the limit, a long lambda-free control block)
"""
import pathlib
import re
import sys

MAX_FILE_LINES = 800
MAX_FUNCTION_LINES = 120
DIRS = ("models", "sim", "analysis")
CONTROL = re.compile(r"^\s*(\}\s*)?(if|for|while|switch|else|do|catch|try|namespace|class|struct|enum|union)\b")
HEAD = re.compile(r"\)\s*(const)?\s*(noexcept)?\s*(override|final)?\s*(->\s*[\w:<>,\s&*]+)?\s*\{\s*$")


def strip(line: str) -> str:
    """The line without string/char literals and // comments (enough for brace counting)."""
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(\\.|[^'\\])*'", "''", line)
    return line.split("//", 1)[0]


def function_violations(path: pathlib.Path, lines: list[str]) -> list[str]:
    out, depth, in_block_comment = [], 0, False
    body_start, body_depth, head = None, None, ""
    for number, raw in enumerate(lines, 1):
        line = raw
        if in_block_comment:
            if "*/" not in line:
                continue
            line, in_block_comment = line.split("*/", 1)[1], False
        while "/*" in line:
            before, _, after = line.partition("/*")
            if "*/" in after:
                line = before + after.split("*/", 1)[1]
            else:
                line, in_block_comment = before, True
        code = strip(line)
        if body_start is None and HEAD.search(code) and not CONTROL.match(code) and "=" not in code.split("(")[0]:
            body_start, body_depth, head = number, depth, code.strip()
        depth += code.count("{") - code.count("}")
        if body_start is not None and depth <= body_depth:
            length = number - body_start + 1
            if length > MAX_FUNCTION_LINES:
                out.append(f"{path}:{body_start}: function of {length} lines (limit {MAX_FUNCTION_LINES}): {head[:80]}")
            body_start = None
    return out


def violations(root: pathlib.Path) -> list[str]:
    problems = []
    for d in DIRS:
        for path in sorted((root / d).rglob("*")):
            if path.suffix not in (".cpp", ".hpp", ".h", ".cc"):
                continue
            lines = path.read_text(encoding="utf-8").splitlines()
            rel = path.relative_to(root)
            if len(lines) >= MAX_FILE_LINES:
                problems.append(f"{rel}: {len(lines)} lines (limit {MAX_FILE_LINES})")
            problems += function_violations(rel, lines)
    return problems


def self_test() -> int:
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        root = pathlib.Path(tmp)
        (root / "models").mkdir()
        body = lambda n: "\n".join(f"  x += {i};" for i in range(n))
        # 1 head line + n body lines + 1 closing brace = n + 2 lines.
        (root / "models" / "a.cpp").write_text(
            "int long_one(int x) {\n" + body(MAX_FUNCTION_LINES - 1) + "\n}\n"
            "int just_fits(int x) {\n" + body(MAX_FUNCTION_LINES - 2) + "\n}\n"
            "void f() {\n  if (x) {\n" + body(10) + "\n  }\n}\n")
        (root / "models" / "b.hpp").write_text("// x\n" * MAX_FILE_LINES)
        found = violations(root)
        expected = [f"models/a.cpp:1: function of {MAX_FUNCTION_LINES + 1} lines (limit {MAX_FUNCTION_LINES}): "
                    "int long_one(int x) {", f"models/b.hpp: {MAX_FILE_LINES} lines (limit {MAX_FILE_LINES})"]
        if sorted(found) != sorted(expected):
            print("self-test failed:\n  found    " + "\n           ".join(found) +
                  "\n  expected " + "\n           ".join(expected))
            return 1
    print("self-test ok")
    return 0


def main() -> int:
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parent.parent)
    problems = violations(root)
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
