#!/usr/bin/python3
"""Docs that cannot drift: the command examples of README.md, docs/*.md and the man pages.

check_doc_examples.py --govd GOVD --govctl GOVCTL --source SOURCE_DIR  (CTest:
docs_examples_match_programs). Two checks; README.md ("Docs that cannot drift") describes them:

1. Checked examples. A fenced block right after a line "<!-- checked -->" (Markdown) or
   "; checked" (scdoc) is run: each line "$ govd ..." or "$ govctl ..." is a command (a line
   ending in a backslash goes on), the lines up to the next "$ " are its expected output (stdout
   and stderr together, trailing blanks ignored), and a line "..." stands for any number of lines. Commands run without a
   shell, from SOURCE_DIR, with the built programs and an empty environment (no GOVD_SOCKET, no
   AWS keys): only examples that need no server can be checked.
2. Flags. Every govctl or govd command shown anywhere (code blocks and `code` spans of the
   Markdown; code lines, OPTIONS and govctl(1)'s COMMANDS entries of the man pages) has each of
   its --flags listed by that command's --help (`govctl grant request --help`, `govd migrate
   --help`, ...).

Exit 0 when all is well, else 1 with one line per problem naming the file and line.
"""
import argparse
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

FLAG = re.compile(r"--[a-z][a-z0-9.-]*")
WORD = re.compile(r"^[a-z][a-z0-9-]*(\|[a-z][a-z0-9-]*)*$")
# Tokens after which "govd"/"govctl" starts a command (a shell line, a prompt, an env assignment).
STARTERS = {"$", "--", "|", "&&", "||", ";", "sudo", "(", "then", "do"}
ENDERS = {"|", "&&", "||", ";", ">", ">>", "2>&1", "<", "#", ")"}


class Checker:
    def __init__(self, govd, govctl, source):
        self.programs = {"govd": govd, "govctl": govctl}
        self.source = Path(source)
        self.problems = []
        self.helps = {}
        self.checked_blocks = 0
        self.checked_flags = 0

    def problem(self, where, text):
        self.problems.append(f"{where}: {text}")

    def run(self, argv):
        program = self.programs[argv[0]]
        result = subprocess.run([program] + argv[1:], cwd=self.source, env={"PATH": "/usr/bin:/bin"},
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                timeout=30, check=False)
        return result.returncode, result.stdout.decode("utf-8", "replace")

    def help_of(self, path):
        """The --help text of a command path ("govctl", "grant", "request"), or None."""
        key = tuple(path)
        if key not in self.helps:
            code, text = self.run(list(path) + ["--help"])
            self.helps[key] = text if code == 0 else None
        return self.helps[key]

    def helps_for(self, program, words):
        """The help texts of the command named by `words` (alternatives a|b each), longest path first."""
        paths = [[]]
        for word in words:
            paths = [path + [alternative] for path in paths for alternative in word.split("|")]
        texts = []
        for path in paths:
            for length in range(len(path), -1, -1):
                text = self.help_of([program] + path[:length])
                if text is not None and (length == 0 or text != self.help_of([program])):
                    texts.append((path[:length], text))
                    break
        return texts

    # --- 2. flags ---------------------------------------------------------------------------

    def check_command(self, where, tokens):
        """tokens: a command line from "govd"/"govctl" on, markup removed."""
        program = tokens[0]
        words, flags, words_done = [], [], False
        for token in tokens[1:]:
            if token in ENDERS or token.startswith("#"):
                break
            flags += [flag.rstrip(".") for flag in FLAG.findall(token)]
            bare = token.strip("[]")
            if words_done:
                continue
            if WORD.match(bare):
                words.append(bare)  # the command's words: grant request, audit who-can-access
            elif words:
                words_done = True   # before the words: leading options and their values
        if not flags:
            return
        texts = self.helps_for(program, words) if words else []
        if not words or all(not path for path, _ in texts):
            # No command named (govctl [--socket PATH] COMMAND): the flag must be some command's.
            texts = [([], self.help_of([program]) or "")]
            for command in self.commands_of(program):
                texts.append(([command], self.help_of([program, command]) or ""))
        if not texts:
            self.problem(where, f"`{program} {' '.join(words)}` is not a command: its --help fails")
            return
        for flag in flags:
            self.checked_flags += 1
            if flag == "--help":
                continue  # every command answers it (the --help runs above did)
            pattern = re.compile(re.escape(flag) + r"(?![a-z0-9.-])")
            if not any(pattern.search(text) for _, text in texts):
                named = " or ".join(f"`{' '.join([program] + path)} --help`" for path, _ in texts[:3])
                self.problem(where, f"{flag} (in `{' '.join(tokens)}`) is not listed by {named}")

    def commands_of(self, program):
        if program == "govd":
            return ["migrate", "org"]
        text = self.help_of(["govctl"]) or ""
        return re.findall(r"^  ([a-z][a-z-]*) ", text, re.M)

    def check_line(self, where, line):
        tokens = line.split()
        for index, token in enumerate(tokens):
            if token not in self.programs:
                continue
            before = tokens[index - 1] if index > 0 else None
            if before is None or before in STARTERS or re.match(r"^[A-Z_]+=", before):
                self.check_command(where, tokens[index:])

    # --- 1. checked examples -----------------------------------------------------------------

    def check_example(self, where, lines):
        self.checked_blocks += 1
        commands = []  # (line number, argv, expected lines)
        index = 0
        while index < len(lines):
            number, text = lines[index]
            if not text.startswith("$ "):
                self.problem(f"{where}:{number}", "a checked block must start with a \"$ \" command")
                return
            command = text[2:]
            while command.endswith("\\") and index + 1 < len(lines):
                index += 1
                command = command[:-1] + " " + lines[index][1].strip()
            expected = []
            index += 1
            while index < len(lines) and not lines[index][1].startswith("$ "):
                expected.append(lines[index][1])
                index += 1
            argv = shlex.split(command)
            if not argv or argv[0] not in self.programs:
                self.problem(f"{where}:{number}", f"a checked command runs govd or govctl, not `{command}`")
                continue
            commands.append((number, argv, expected))
        for number, argv, expected in commands:
            code, output = self.run(argv)
            # Trailing blanks do not count (Boost pads its help columns; editors strip them).
            actual = [line.rstrip() for line in output.rstrip("\n").split("\n")] if output else []
            expected = [line.rstrip() for line in expected]
            if not matches(expected, actual):
                self.problem(f"{where}:{number}", f"`{' '.join(argv)}` (exit {code}) prints:\n" +
                             "\n".join("    | " + line for line in actual) + "\n  the doc shows:\n" +
                             "\n".join("    | " + line for line in expected))

    # --- the files ---------------------------------------------------------------------------

    def markdown(self, path):
        where = path.relative_to(self.source)
        lines = path.read_text(encoding="utf-8").split("\n")
        fence, block, marked, pending = None, [], False, None
        for number, line in enumerate(lines, 1):
            stripped = line.strip()
            if fence is None:
                if stripped.startswith("```"):
                    fence, block, marked = stripped[:3], [], pending == number - 1
                    continue
                if stripped == "<!-- checked -->":
                    pending = number
                for span in re.findall(r"`([^`]+)`", line):
                    self.check_line(f"{where}:{number}", span)
                continue
            if stripped.startswith(fence):
                self.code_block(where, block, marked)
                fence = None
                continue
            block.append((number, line))
        if fence is not None:
            self.problem(where, "a code block is not closed")

    def code_block(self, where, block, marked):
        if marked:
            self.check_example(where, block)
        joined = join_continuations(block)
        for number, text in joined:
            self.check_line(f"{where}:{number}", text[2:] if text.startswith("$ ") else text)

    def scdoc(self, path):
        where = path.relative_to(self.source)
        lines = path.read_text(encoding="utf-8").split("\n")
        section, entry, in_literal, marked, block, pending = "", [], False, False, [], None

        def flush_entry():
            if entry:
                self.check_scdoc_entry(where, entry)
            entry.clear()

        for number, line in enumerate(lines, 1):
            if in_literal:
                if line.strip() == "```":
                    self.code_block(where, block, marked)
                    in_literal = False
                else:
                    block.append((number, line))
                continue
            if line.strip() == "```":
                in_literal, block, marked = True, [], pending == number - 1
                continue
            if line.strip() == "; checked":
                pending = number
                continue
            if line.startswith("# "):
                flush_entry()
                section = line[2:]
                continue
            if section == "COMMANDS" and path.name.startswith("govctl"):
                # An entry: a term line (*grant list* [*--state* _S_]...) and its indented text.
                if line.startswith("*"):
                    flush_entry()
                if entry or line.startswith("*"):
                    entry.append((number, unmarkup(line)))
                continue
            if section == "OPTIONS" and line.startswith("*-"):
                # An option's term line (*--config* _FILE_): the program of the page takes it.
                self.check_line(f"{where}:{number}", path.name.split(".")[0] + " " + unmarkup(line))
                continue
            if line.startswith("\t") or section == "SYNOPSIS":
                self.check_line(f"{where}:{number}", unmarkup(line))
        flush_entry()

    def check_scdoc_entry(self, where, entry):
        """A govctl(1) COMMANDS entry: every flag of its text is listed by one of its commands' --help."""
        number, term = entry[0]
        if term.startswith("govctl"):
            return  # "govctl --help lists the commands...": prose, checked as a code line elsewhere
        commands = [part.strip() for part in re.split(r",\s+(?=[a-z])", term)]
        texts = []
        for command in commands:
            words = []
            for token in command.split():
                if not WORD.match(token):
                    break
                words.append(token)
            texts += [text for path, text in self.helps_for("govctl", words) if path]
        if not texts:
            self.problem(f"{where}:{number}", f"`govctl {term}` names no command whose --help works")
            return
        texts.append(self.help_of(["govctl"]) or "")
        for line_number, text in entry:
            for flag in FLAG.findall(text):
                self.checked_flags += 1
                pattern = re.compile(re.escape(flag) + r"(?![a-z0-9.-])")
                if not any(pattern.search(help_text) for help_text in texts):
                    self.problem(f"{where}:{line_number}", f"{flag} is not listed by the --help of `govctl {term}`")


def unmarkup(line):
    """scdoc text without its markup: *bold*, _underline_, \\ escapes."""
    text = re.sub(r"\\(.)", r"\1", line)
    return re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", "", text.replace("*", "")).strip()


def join_continuations(block):
    joined = []
    for number, text in block:
        if joined and joined[-1][1].endswith("\\"):
            joined[-1] = (joined[-1][0], joined[-1][1][:-1] + " " + text.strip())
        else:
            joined.append((number, text.strip()))
    return joined


def matches(expected, actual):
    """Line by line; a line "..." in `expected` stands for any number of lines."""
    if not expected:
        return not actual
    if expected[0] == "...":
        return any(matches(expected[1:], actual[skip:]) for skip in range(len(actual) + 1))
    return bool(actual) and expected[0] == actual[0] and matches(expected[1:], actual[1:])


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--govd", required=True)
    parser.add_argument("--govctl", required=True)
    parser.add_argument("--source", required=True)
    args = parser.parse_args()
    checker = Checker(os.path.abspath(args.govd), os.path.abspath(args.govctl), args.source)
    source = Path(args.source)
    for path in [source / "README.md"] + sorted((source / "docs").glob("*.md")):
        checker.markdown(path)
    for path in sorted((source / "packaging" / "man").glob("*.scd")):
        checker.scdoc(path)
    for problem in checker.problems:
        print(problem)
    print(f"{checker.checked_blocks} checked example blocks, {checker.checked_flags} flags; "
          f"{len(checker.problems)} problem(s)")
    return 1 if checker.problems or checker.checked_blocks == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
