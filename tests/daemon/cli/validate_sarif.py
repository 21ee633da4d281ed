#!/usr/bin/python3
"""Validates `govctl policy lint --format sarif` against the SARIF 2.1.0 JSON schema.

Usage: validate_sarif.py GOVCTL SCHEMA SAMPLE_DIR
Runs govctl on every sample policy (with its .args), validates each log with Debian's
python3-jsonschema (Draft 4, as the schema declares), checks that each result names a rule of
the driver by id and index, and that the validator does reject a broken log.
"""
import json
import pathlib
import shlex
import subprocess
import sys

import jsonschema


def lint_sarif(govctl, sample):
    args_file = sample.with_suffix(".args")
    args = shlex.split(args_file.read_text()) if args_file.exists() else []
    run = subprocess.run([govctl, "policy", "lint", sample.name, *args, "--format", "sarif"],
                         cwd=sample.parent, capture_output=True, text=True, check=False)
    if run.returncode not in (0, 1):
        sys.exit(f"{sample.name}: govctl exited {run.returncode}: {run.stderr}")
    return json.loads(run.stdout)


def check_rules(sample, log):
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    for result in log["runs"][0]["results"]:
        index = result["ruleIndex"]
        if rules[index]["id"] != result["ruleId"]:
            sys.exit(f"{sample.name}: result {result['ruleId']} points at rule {rules[index]['id']}")
    return len(log["runs"][0]["results"])


def main():
    govctl, schema_path, sample_dir = sys.argv[1:4]
    schema = json.loads(pathlib.Path(schema_path).read_text())
    validator = jsonschema.Draft4Validator(schema)
    samples = sorted(pathlib.Path(sample_dir).glob("*.json"))
    if len(samples) < 20:
        sys.exit(f"expected at least 20 samples in {sample_dir}, found {len(samples)}")
    results = 0
    last = None
    for sample in samples:
        log = lint_sarif(govctl, sample)
        errors = sorted(validator.iter_errors(log), key=str)
        if errors:
            sys.exit(f"{sample.name}: SARIF log is invalid: {errors[0].message} at {list(errors[0].path)}")
        results += check_rules(sample, log)
        last = log
    if results == 0:
        sys.exit("no sample produced a result: the check proves nothing")
    broken = json.loads(json.dumps(last))
    broken["runs"][0]["results"].append({"message": {"text": "x"}, "level": "fatal"})
    if validator.is_valid(broken):
        sys.exit("the validator accepted a result with level \"fatal\"")
    print(f"{len(samples)} SARIF logs valid, {results} results")


if __name__ == "__main__":
    main()
