"""Trains the ozone-sklearn example: scikit-learn's RandomForestRegressor on the feature table.

The runner (`freshet train --project training/ozone-sklearn`) builds the feature table from the
`features` section of freshet-project.yml with Freshet's own code, the code the Worker serves
with, so this script never computes a feature itself: it reads FRESHET_FEATURES_TABLE, splits it
chronologically, trains, and writes to FRESHET_OUTPUT_DIR the artifacts training/ozone-forest
writes (metrics.json, params.json, model.json in Freshet's serving format, predictions.csv,
feature_importance.json; not model.onnx, which needs skl2onnx).

    python3 train.py [--n-estimators 100] [--min-samples-leaf 5] [--max-features 1.0]
                     [--max-depth 0] [--seed 0] [--test-fraction 0.2]

Exit status 1 on any failure, with the reason on stderr.
"""

import base64
import csv
import datetime
import json
import math
import os
import re
import sys

try:
    import numpy as np
    import psycopg2
    import yaml
    from psycopg2 import sql
    from sklearn.ensemble import RandomForestRegressor
except ImportError as missing:  # pragma: no cover - depends on the machine
    sys.stderr.write(
        f"error: {missing}: this project needs scikit-learn, psycopg2 and PyYAML: "
        "pip install -r requirements.txt, or on Debian apt-get install python3-sklearn "
        "python3-psycopg2 python3-yaml (and run /usr/bin/python3)\n"
    )
    sys.exit(1)

PROJECT_FOLDER = os.path.dirname(os.path.abspath(__file__))

# The same limits and rules as training/ozone-forest/evaluate.ts, so both report comparable numbers.
MIN_TRAIN_ROWS = 48
MIN_TEST_ROWS = 24

# The same table names the runner makes (actions/lib/training/table-name.ts).
TABLE_NAME = re.compile(r"^(?:[a-z_][a-z0-9_]{0,62}\.)?[a-z_][a-z0-9_]{0,62}$")


class DatabaseError(Exception):
    """The database refused or could not be reached."""


class UsageError(Exception):
    """Something given is wrong; every problem found is listed."""

    def __init__(self, problems):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("\n".join(self.problems))


# ------------------------------------------------------------------ inputs

# flag → (parameter, integer?, accepts, what a good value is)
FLAGS = {
    "n-estimators": ("n_estimators", True, lambda n: n >= 1, "a whole number of trees >= 1, e.g. 100"),
    "min-samples-leaf": ("min_samples_leaf", True, lambda n: n >= 1, "a whole number of rows >= 1, e.g. 5"),
    "max-features": (
        "max_features",
        False,
        lambda n: 0 < n <= 1,
        "a fraction of the features in (0, 1], e.g. 1.0 (all) or 0.5",
    ),
    "max-depth": ("max_depth", True, lambda n: n >= 0, "a whole number >= 0 (0: unlimited), e.g. 12"),
    "seed": ("seed", True, lambda n: n >= 0, "a whole number >= 0, e.g. 0"),
    "test-fraction": (
        "test_fraction",
        False,
        lambda n: 0 < n < 1,
        "a fraction strictly between 0 and 1, e.g. 0.2",
    ),
}

DEFAULTS = {
    "n_estimators": 100,
    "min_samples_leaf": 5,
    "max_features": 1.0,
    "max_depth": 0,
    "seed": 0,
    "test_fraction": 0.2,
}

NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def parse_args(argv):
    """The flags as parameters (`--flag value` or `--flag=value`), defaults for those left out."""
    problems = []
    given = {}
    i = 0
    while i < len(argv):
        token = argv[i]
        i += 1
        if not token.startswith("--"):
            problems.append(f"unexpected argument {json.dumps(token)}: give values as --flag value")
            continue
        flag, equals, value = token[2:].partition("=")
        if flag not in FLAGS:
            known = ", ".join(f"--{k}" for k in FLAGS)
            problems.append(f"unknown flag --{flag}: the flags are {known}")
            i += 0 if equals else 1
            continue
        if not equals:
            if i >= len(argv):
                problems.append(f"--{flag} needs a value: {FLAGS[flag][3]}")
                continue
            value = argv[i]
            i += 1
        given[flag] = value
    params = dict(DEFAULTS)
    for flag, (name, integer, accepts, expected) in FLAGS.items():
        if flag not in given:
            continue
        text = given[flag].strip()
        number = float(text) if NUMBER.match(text) else math.nan
        valid = math.isfinite(number) and (not integer or number == int(number)) and accepts(number)
        if valid:
            params[name] = int(number) if integer else number
        else:
            problems.append(f"--{flag} must be {expected}, got {json.dumps(given[flag])}")
    if problems:
        raise UsageError(problems)
    return params


def read_environment(env):
    """(source, output folder): FRESHET_FEATURES_FILE (another repository's run: a CSV file, no
    database) or else DATABASE_URL and FRESHET_FEATURES_TABLE, and FRESHET_OUTPUT_DIR, as the
    runner sets them. The source is ("file", path) or ("table", database URL, table)."""
    features_file = env.get("FRESHET_FEATURES_FILE", "").strip()
    names = ["FRESHET_OUTPUT_DIR"] if features_file else ["DATABASE_URL", "FRESHET_FEATURES_TABLE", "FRESHET_OUTPUT_DIR"]
    missing = [name for name in names if not env.get(name, "").strip()]
    if missing:
        raise UsageError(
            [
                f"{name} is not set: run the project with `freshet train --project "
                "training/ozone-sklearn`, which sets it, or set it yourself"
                for name in missing
            ]
        )
    if features_file:
        return ("file", features_file), env["FRESHET_OUTPUT_DIR"]
    return ("table", env["DATABASE_URL"], env["FRESHET_FEATURES_TABLE"].strip()), env["FRESHET_OUTPUT_DIR"]


def load_feature_spec(folder):
    """The `features` section of the project file, as Freshet normalises it for model.json."""
    path = os.path.join(folder, "freshet-project.yml")
    with open(path, encoding="utf-8") as file:
        project = yaml.safe_load(file)
    features = project.get("features") if isinstance(project, dict) else None
    if not isinstance(features, dict):
        raise UsageError(f"{path} has no features section: this project trains on the feature table")
    spec = {
        "version": features["version"],
        "target": features["target"],
        "horizon": features["horizon"],
        "lags": list(features.get("lags") or []),
        "calendar": list(features.get("calendar") or []),
    }
    others = [{"variable": o["variable"], "lags": list(o["lags"])} for o in features.get("others") or []]
    if others:
        spec["others"] = others
    return spec


def feature_columns(columns, rows, where):
    """(issue times, feature names, x as float32, y) of the feature table's columns and rows."""
    if len(columns) < 3 or columns[0] != "datetime" or columns[-1] != "target":
        raise UsageError(
            f"the feature table {where} has columns {', '.join(columns)}: expected datetime, the features, target"
        )
    times = [row[0].astimezone(datetime.timezone.utc) for row in rows]
    values = np.array([row[1:] for row in rows], dtype=np.float64).reshape(len(rows), len(columns) - 1)
    # `real` columns hold float32s; the cast is exact, and it is what scikit-learn does anyway.
    return times, columns[1:-1], values[:, :-1].astype(np.float32), values[:, -1]


def read_feature_file(path):
    """The feature table as the runner writes it for another repository's code: CSV, a header,
    times in UTC (`2024-05-01 13:00:00+00`), rows in time order."""
    try:
        with open(path, encoding="utf-8", newline="") as file:
            reader = csv.reader(file)
            columns = next(reader)
            rows = [
                [datetime.datetime.fromisoformat(row[0])] + [float(v) for v in row[1:]]
                for row in reader
            ]
    except (OSError, StopIteration, ValueError) as error:
        raise UsageError(f"cannot read the feature file {path}: {error}") from error
    return feature_columns(columns, rows, path)


def read_feature_table(database_url, table):
    """(issue times, feature names, x as float32, y) of the feature table, in time order."""
    if not TABLE_NAME.match(table):
        raise UsageError(f"FRESHET_FEATURES_TABLE {json.dumps(table)} is not a table name (schema.table)")
    try:
        connection = psycopg2.connect(database_url)
        try:
            with connection.cursor() as cursor:
                name = sql.Identifier(*table.split("."))
                cursor.execute(sql.SQL("SELECT * FROM {} ORDER BY datetime").format(name))
                columns = [d.name for d in cursor.description]
                rows = cursor.fetchall()
        finally:
            connection.close()
    except psycopg2.Error as error:
        raise DatabaseError(f"reading the feature table {table} failed: {str(error).strip()}") from error
    return feature_columns(columns, rows, table)


# ------------------------------------------------------------------ evaluation (as evaluate.ts)


def chronological_split(n_rows, test_fraction, context):
    """(n_train, n_test): the newest ceil(n_rows × test_fraction) rows test."""
    n_test = math.ceil(n_rows * test_fraction)
    n_train = n_rows - n_test
    if n_train < MIN_TRAIN_ROWS or n_test < MIN_TEST_ROWS:
        raise UsageError(
            f"too few rows to train and test: {context} give {n_train} training and {n_test} test rows "
            f"(test_fraction {test_fraction}), but training needs at least {MIN_TRAIN_ROWS} and testing "
            f"at least {MIN_TEST_ROWS}: select a longer window, or a station with fewer gaps"
        )
    return n_train, n_test


def regression_scores(observed, predicted):
    """RMSE, MAE and R² (scikit-learn's convention for constant observations)."""
    error = predicted - observed
    squared = float(np.sum(error * error))
    total = float(np.sum((observed - np.mean(observed)) ** 2))
    r2 = 1 - squared / total if total > 0 else (1.0 if squared == 0 else 0.0)
    return {
        "rmse": math.sqrt(squared / len(observed)),
        "mae": float(np.mean(np.abs(error))),
        "r2": r2,
    }


def persistence_column(spec, names):
    """The column of the target's smallest lag: its newest observation in a row."""
    if not spec["lags"]:
        raise UsageError(f"the persistence baseline needs a lag of {spec['target']}: add 0 to features.lags")
    name = f"{spec['target']}_lag{min(spec['lags'])}"
    if name not in names:
        raise UsageError(f"the feature table has no column {name} for the persistence baseline")
    return names.index(name)


def forecast_metrics(observed, predicted, persistence, n_train, n_test):
    scores = regression_scores(observed, predicted)
    baseline = regression_scores(observed, persistence)["rmse"]
    metrics = {**scores, "persistence_rmse": baseline}
    # Absent when persistence is exact: every metric must be a finite number.
    if baseline > 0:
        metrics["skill"] = 1 - scores["rmse"] / baseline
    metrics["rows_train"] = n_train
    metrics["rows_test"] = n_test
    return metrics


# ------------------------------------------------------------------ model.json


def b64(array):
    return base64.b64encode(np.ascontiguousarray(array).tobytes()).decode("ascii")


def tree_arrays(tree):
    """One fitted sklearn tree as model.json's flat arrays (little-endian base64)."""
    leaf = tree.children_left == -1
    # scikit-learn sends a row left when its float32 feature <= the float64 threshold; the
    # largest float32 <= that threshold sends every float32 the same way in a float32 comparison
    # (the Worker's, the ONNX export's).
    threshold = tree.threshold.astype(np.float32)
    above = threshold.astype(np.float64) > tree.threshold
    threshold[above] = np.nextafter(threshold[above], np.float32(-np.inf))
    threshold[leaf] = 0
    return {
        "feature": b64(np.where(leaf, -1, tree.feature).astype("<i4")),
        "threshold": b64(threshold.astype("<f4")),
        "left": b64(tree.children_left.astype("<i4")),
        "right": b64(tree.children_right.astype("<i4")),
        "value": b64(tree.value[:, 0, 0].astype("<f8")),
    }


def json_value(value):
    return value if value is None or isinstance(value, (bool, int, float, str)) else str(value)


def model_json(model, names, spec):
    return json.dumps(
        {
            "format": "freshet-forest",
            "version": 1,
            "algorithm": "sklearn-random-forest",
            "signature": {"inputs": list(names), "output": spec["target"]},
            "features": spec,
            "params": {k: json_value(v) for k, v in sorted(model.get_params().items())},
            "n_features": len(names),
            "trees": [tree_arrays(estimator.tree_) for estimator in model.estimators_],
        },
        separators=(",", ":"),
    )


def predictions_csv(times, horizon, observed, predicted):
    """time (the hour predicted: issue time + horizon), observed, predicted; floats round-trip."""
    lines = ["time,observed,predicted"]
    step = datetime.timedelta(hours=horizon)
    for time, o, p in zip(times, observed, predicted):
        lines.append(f"{(time + step).strftime('%Y-%m-%dT%H:%M:%SZ')},{float(o)!r},{float(p)!r}")
    return "\n".join(lines) + "\n"


def write_json(path, value):
    with open(path, "w", encoding="utf-8") as file:
        json.dump(value, file, indent=2, allow_nan=False)
        file.write("\n")


# ------------------------------------------------------------------ run


def main(argv):
    problems = []
    params = environment = None
    try:
        params = parse_args(argv)
    except UsageError as error:
        problems.extend(error.problems)
    try:
        environment = read_environment(os.environ)
    except UsageError as error:
        problems.extend(error.problems)
    if problems:
        raise UsageError(problems)
    source, output_dir = environment
    spec = load_feature_spec(PROJECT_FOLDER)
    if source[0] == "file":
        times, names, x, y = read_feature_file(source[1])
    else:
        times, names, x, y = read_feature_table(source[1], source[2])
    n_rows = len(times)
    n_train, n_test = chronological_split(n_rows, params["test_fraction"], f"{n_rows} feature rows")
    model = RandomForestRegressor(
        n_estimators=params["n_estimators"],
        min_samples_leaf=params["min_samples_leaf"],
        max_features=float(params["max_features"]),
        max_depth=params["max_depth"] or None,
        random_state=params["seed"],
        n_jobs=1,
    )
    model.fit(x[:n_train], y[:n_train])
    predicted = model.predict(x[n_train:])
    observed = y[n_train:]
    persistence = x[n_train:, persistence_column(spec, names)].astype(np.float64)
    metrics = forecast_metrics(observed, predicted, persistence, n_train, n_test)

    os.makedirs(output_dir, exist_ok=True)
    write_json(os.path.join(output_dir, "metrics.json"), metrics)
    write_json(os.path.join(output_dir, "params.json"), params)
    with open(os.path.join(output_dir, "model.json"), "w", encoding="utf-8") as file:
        file.write(model_json(model, names, spec))
    with open(os.path.join(output_dir, "predictions.csv"), "w", encoding="utf-8") as file:
        file.write(predictions_csv(times[n_train:], spec["horizon"], observed, predicted))
    ranked = sorted(
        ({"feature": n, "importance": float(v)} for n, v in zip(names, model.feature_importances_)),
        key=lambda r: -r["importance"],
    )
    write_json(os.path.join(output_dir, "feature_importance.json"), ranked)
    skill = f"{metrics['skill']:.3f}" if "skill" in metrics else "n/a"
    sys.stderr.write(
        f"{params['n_estimators']} trees on {n_train} rows; on the newest {n_test}: "
        f"RMSE {metrics['rmse']:.3f}, MAE {metrics['mae']:.3f}, R² {metrics['r2']:.3f}, "
        f"persistence RMSE {metrics['persistence_rmse']:.3f}, skill {skill}\n"
    )


if __name__ == "__main__":
    try:
        main(sys.argv[1:])
    except UsageError as error:
        for problem in error.problems:
            sys.stderr.write(f"error: {problem}\n")
        sys.exit(1)
    except DatabaseError as error:
        sys.stderr.write(f"error: {error}\n")
        sys.exit(1)
    # Anything else is a bug here: the traceback (Python's default) says where; the status is 1.
