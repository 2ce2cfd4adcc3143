"""Categories for untyped tickets, learnt from the comments of typed ones. Pure: no streamlit.

Character n-grams (2–4, within word boundaries: Thai needs no tokeniser for them) weighted
by TF-IDF, then one logistic model per category (multi-label: a ticket can carry several).
Trained on the store's own typed tickets; nothing is downloaded. The held-out evaluation
splits by time (the latest 20% of typed tickets are the test), so it measures predicting
the future. A category whose held-out F1 is below the threshold is never predicted.

A category a model cannot learn yet (no ticket in the training period carries it: Traffy
added types during 2022) is predicted by the keyword rule instead, its own name in the
comment; the evaluation scores exactly that combination, and so does `predict`.
"""

from __future__ import annotations

import pickle
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from dashboard import files
from dashboard.errors import KhetmapError
from dashboard.store import Reader, queries

SEED = 20220529
TEST_SHARE = 0.2
MIN_F1 = 0.7
"""A category is predicted only if its held-out F1 reaches this (setting: --min-f1)."""
PROBABILITY = 0.5
"""A predicted category needs at least this probability."""
MIN_TRAINING_TICKETS = 20


@dataclass(frozen=True)
class Scores:
    """Per-category precision, recall, F1 and support, and their micro and macro F1."""

    per_category: pd.DataFrame
    micro_f1: float
    macro_f1: float

    def by_category(self, column: str) -> dict[str, float]:
        """One figure (precision, recall, f1) per category."""
        table = self.per_category
        return {str(c): float(v) for c, v in zip(table["category"], table[column], strict=True)}


@dataclass
class Model:
    vectorizer: Any
    classifier: Any
    classes: list[str]
    held_out_f1: dict[str, float]
    min_f1: float
    trained_at: datetime
    data_version: str
    trained_on: int
    predicts: list[str] = field(default_factory=list)
    by_keyword: dict[str, float] = field(default_factory=dict)
    """categories predicted by their name in the comment → that rule's held-out precision"""

    def save(self, path: Path) -> None:
        """Write the model whole or not at all (`files.write_atomically`)."""
        files.write_atomically(path, pickle.dumps(self))

    @staticmethod
    def load(path: Path) -> Model:
        try:
            with path.open("rb") as handle:
                model = pickle.load(handle)
        except FileNotFoundError as exc:
            raise KhetmapError(f"no classifier at {path}: run `khetmap classify` first.") from exc
        if not isinstance(model, Model):
            raise KhetmapError(f"{path} is not a khetmap classifier: run `khetmap classify`.")
        return model


def typed_tickets(con: Reader) -> pd.DataFrame:
    """Typed tickets with a comment, oldest first (`comment`, `categories`, `reported_at`)."""
    return con.execute(queries.TYPED_FOR_TRAINING).df()


def untyped_tickets(con: Reader) -> pd.DataFrame:
    """Tickets filed with no type (`ticket_id`, `comment`)."""
    return con.execute(queries.UNTYPED_FOR_PREDICTION).df()


def _vectorizer() -> Any:
    # lazy: scikit-learn takes about a second to import and only `khetmap classify` uses it
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 4),
        min_df=2,
        max_features=300_000,
        sublinear_tf=True,
        dtype=np.float32,
    )


def _classifier(seed: int) -> Any:
    # lazy: scikit-learn takes about a second to import and only `khetmap classify` uses it
    from sklearn.linear_model import SGDClassifier
    from sklearn.multiclass import OneVsRestClassifier

    return OneVsRestClassifier(
        SGDClassifier(loss="log_loss", alpha=2e-6, max_iter=15, tol=None, random_state=seed)
    )


def _labels(categories: pd.Series, classes: Sequence[str]) -> np.ndarray:
    index = {c: i for i, c in enumerate(classes)}
    matrix = np.zeros((len(categories), len(classes)), dtype=np.int8)
    for row, values in enumerate(categories):
        for value in values:
            if value in index:
                matrix[row, index[value]] = 1
    return matrix


def _fit(
    comments: pd.Series, categories: pd.Series, classes: list[str], seed: int
) -> tuple[Any, Any]:
    vectorizer = _vectorizer()
    features = vectorizer.fit_transform(comments)
    classifier = _classifier(seed)
    with warnings.catch_warnings():  # a category absent from training gets a constant model
        warnings.simplefilter("ignore", UserWarning)
        classifier.fit(features, _labels(categories, classes))
    return vectorizer, classifier


def _probabilities(vectorizer: Any, classifier: Any, comments: Sequence[str]) -> np.ndarray:
    probabilities: np.ndarray = classifier.predict_proba(vectorizer.transform(comments))
    return probabilities


def score(truth: np.ndarray, predicted: np.ndarray, classes: Sequence[str]) -> Scores:
    # lazy: scikit-learn takes about a second to import and only `khetmap classify` uses it
    from sklearn.metrics import f1_score, precision_recall_fscore_support

    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, zero_division=0
    )
    table = pd.DataFrame(
        {
            "category": classes,
            "precision": precision,
            "recall": recall,
            "f1": f1,
            "support": support,
        }
    ).sort_values(["support", "category"], ascending=[False, True], ignore_index=True)
    return Scores(
        per_category=table,
        micro_f1=float(f1_score(truth, predicted, average="micro", zero_division=0)),
        macro_f1=float(f1_score(truth, predicted, average="macro", zero_division=0)),
    )


@dataclass(frozen=True)
class Evaluation:
    """The model and two baselines on the same held-out (later) tickets."""

    model: Scores
    majority: Scores
    keyword: Scores
    trained_on: int
    tested_on: int
    test_from: datetime


def _keyword_labels(comments: pd.Series, classes: Sequence[str]) -> np.ndarray:
    """The keyword rule: a category when its own name appears in the comment."""
    return np.array([[int(c in str(text)) for c in classes] for text in comments], dtype=np.int8)


def split_by_time(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The earlier 80% to learn from, the later 20% to test on."""
    cut = round(len(frame) * (1 - TEST_SHARE))
    return frame.iloc[:cut], frame.iloc[cut:]


def check_learnable(frame: pd.DataFrame) -> None:
    """Raise KhetmapError unless the typed tickets can teach categories: enough of them, and
    of at least two categories (one alone leaves nothing to tell apart)."""
    if len(frame) < MIN_TRAINING_TICKETS:
        raise KhetmapError(
            f"only {len(frame)} typed tickets with a comment: too few to learn categories from."
        )
    classes = sorted({c for cs in frame["categories"] for c in cs})
    if len(classes) < 2:
        named = f" ({classes[0]!r})" if classes else ""
        raise KhetmapError(
            f"all {len(frame):,} typed tickets with a comment have the same category{named}: "
            "nothing to tell apart; classify needs typed tickets of at least two categories."
        )


def evaluate(frame: pd.DataFrame, *, seed: int = SEED) -> Evaluation:
    """Held-out scores of the model, a majority-class and a keyword baseline."""
    check_learnable(frame)
    train, test = split_by_time(frame)
    classes = sorted({c for cs in frame["categories"] for c in cs})
    truth = _labels(test["categories"], classes)
    vectorizer, classifier = _fit(train["comment"], train["categories"], classes, seed)
    learnt = _probabilities(vectorizer, classifier, list(test["comment"])) >= PROBABILITY
    counts = _labels(train["categories"], classes).sum(axis=0)
    majority = np.zeros_like(truth)
    majority[:, int(np.argmax(counts))] = 1
    keyword = _keyword_labels(test["comment"], classes)
    unseen = counts == 0  # no training ticket: the name rule stands in for the model
    predicted = np.where(unseen, keyword, learnt.astype(np.int8))
    return Evaluation(
        model=score(truth, predicted.astype(np.int8), classes),
        majority=score(truth, majority, classes),
        keyword=score(truth, keyword, classes),
        trained_on=len(train),
        tested_on=len(test),
        test_from=pd.Timestamp(test["reported_at"].iloc[0]).to_pydatetime(),
    )


def train(
    frame: pd.DataFrame, *, data_version: str, min_f1: float = MIN_F1, seed: int = SEED
) -> tuple[Model, Evaluation]:
    """Evaluate on the time split, then fit on every typed ticket; keep the F1 per category."""
    evaluation = evaluate(frame, seed=seed)
    classes = sorted({c for cs in frame["categories"] for c in cs})
    train_part, _ = split_by_time(frame)
    unseen = [c for c in classes if not any(c in cs for cs in train_part["categories"])]
    keyword_precision = evaluation.keyword.by_category("precision")
    vectorizer, classifier = _fit(frame["comment"], frame["categories"], classes, seed)
    f1 = evaluation.model.by_category("f1")
    model = Model(
        vectorizer=vectorizer,
        classifier=classifier,
        classes=classes,
        held_out_f1={c: float(f1.get(c, 0.0)) for c in classes},
        min_f1=min_f1,
        trained_at=datetime.now(UTC),
        data_version=data_version,
        trained_on=len(frame),
        predicts=[c for c in classes if f1.get(c, 0.0) >= min_f1],
        by_keyword={c: float(keyword_precision.get(c, 0.0)) for c in unseen},
    )
    return model, evaluation


def predict(model: Model, tickets: pd.DataFrame) -> pd.DataFrame:
    """Predicted categories with their probability for untyped tickets (`ticket_id`, `comment`).

    Only categories good enough on held-out data, only above the probability threshold; a
    ticket whose comment is empty gets no prediction. One row per ticket with a prediction.
    """
    columns: dict[str, list[Any]] = {"ticket_id": [], "categories": [], "confidence": []}
    texts = tickets["comment"].fillna("").astype(str)
    usable = texts.str.strip() != ""
    if usable.any():
        probabilities = _probabilities(model.vectorizer, model.classifier, list(texts[usable]))
        if model.by_keyword:  # the name rule, at its held-out precision, for those categories
            named = _keyword_labels(texts[usable], model.classes).astype(bool)
            for index, category in enumerate(model.classes):
                if category in model.by_keyword:
                    probabilities[:, index] = np.where(
                        named[:, index], max(model.by_keyword[category], PROBABILITY), 0.0
                    )
        allowed = np.array([c in model.predicts for c in model.classes])
        for ticket_id, row in zip(tickets.loc[usable, "ticket_id"], probabilities, strict=True):
            chosen = np.flatnonzero((row >= PROBABILITY) & allowed)
            if len(chosen):
                order = chosen[np.argsort(-row[chosen], kind="stable")]
                columns["ticket_id"].append(str(ticket_id))
                columns["categories"].append([model.classes[i] for i in order])
                columns["confidence"].append([round(float(row[i]), 4) for i in order])
    return pd.DataFrame(columns)


def scores_table(model: Model) -> pd.DataFrame:
    """Per category: held-out F1, and whether the model predicts it (F1 >= threshold)."""
    return pd.DataFrame(
        {
            "category": model.classes,
            "held_out_f1": [model.held_out_f1[c] for c in model.classes],
            "predicted": [c in model.predicts for c in model.classes],
        }
    )


def report(evaluation: Evaluation) -> str:
    """The evaluation as text: the model's figures first, then each baseline's."""
    lines = [
        f"held-out test: the latest {evaluation.tested_on:,} typed tickets (from "
        f"{evaluation.test_from:%Y-%m-%d}); trained on the {evaluation.trained_on:,} before them",
        "",
        f"{'':<16}{'micro F1':>10}{'macro F1':>10}",
    ]
    for name, scores in (
        ("model", evaluation.model),  # with the name rule for categories not yet learnt
        ("keyword", evaluation.keyword),
        ("majority class", evaluation.majority),
    ):
        lines.append(f"{name:<16}{scores.micro_f1:>10.3f}{scores.macro_f1:>10.3f}")
    lines += [
        "",
        f"{'category':<14}{'support':>8}"
        + "".join(
            f"{h:>12}" for h in ("model P", "model R", "model F1", "keyword F1", "majority F1")
        ),
    ]
    keyword = evaluation.keyword.by_category("f1")
    majority = evaluation.majority.by_category("f1")
    for category, support, precision, recall, f1 in evaluation.model.per_category[
        ["category", "support", "precision", "recall", "f1"]
    ].itertuples(index=False):
        lines.append(
            f"{category:<14}{int(support):>8,}{float(precision):>12.2f}{float(recall):>12.2f}"
            f"{float(f1):>12.2f}{keyword[category]:>12.2f}{majority[category]:>12.2f}"
        )
    return "\n".join(lines)
