"""Where each stage reads and writes, relative to the project folder.

The stage registry (pipeline/stages.py) declares every stage's outs, metrics and plots with these
names, and dvc.yaml is checked against the registry (tests/test_registry.py).
"""

from pathlib import Path

OUTPUTS = Path("outputs")
WORK = Path("work")
MODELS = Path("models")
METRICS = Path("metrics")
PLOTS = Path("plots")

DOCUMENTS = OUTPUTS / "documents.parquet"
REJECTS = OUTPUTS / "rejects.jsonl"
INGEST_REPORT = OUTPUTS / "ingest_report.json"
BLOCKS = WORK / "blocks.parquet"
SENTENCES_SCORED = WORK / "sentences_scored.parquet"
EMBEDDINGS = WORK / "embeddings.parquet"
ASSIGNMENTS = WORK / "cluster_assignments.parquet"
STANCES = WORK / "stances.parquet"
SENTENCES = OUTPUTS / "sentences.parquet"
CLUSTERS = OUTPUTS / "clusters.parquet"
EDGES = OUTPUTS / "edges.parquet"
ARGMAP = OUTPUTS / "argmap.json"
ARGMAP_AIF = OUTPUTS / "argmap.aif.json"
ARGMAP_ARGDOWN = OUTPUTS / "argmap.argdown"
ARGMAP_GRAPHML = OUTPUTS / "argmap.graphml"
REPORT = OUTPUTS / "report.html"
ENCODER_MODEL = MODELS / "encoder"
CLAIM_MODEL = MODELS / "claims"
STANCE_MODEL = MODELS / "stance"
CONTEXT_MODEL = MODELS / "context"
NGRAM_MODEL = MODELS / "ngrams"
TOPIC_MODEL = MODELS / "topic"

TRAIN_ENCODER_METRICS = METRICS / "train_encoder.json"
TRAIN_CLAIMS_METRICS = METRICS / "train_claims.json"
TRAIN_STANCE_METRICS = METRICS / "train_stance.json"
TRAIN_CONTEXT_METRICS = METRICS / "train_context.json"
TRAIN_NGRAMS_METRICS = METRICS / "train_ngrams.json"
TRAIN_TOPIC_METRICS = METRICS / "train_topic.json"
STRUCTURE_METRICS = METRICS / "structure.json"
MAP_METRICS = METRICS / "map.json"
STANCE_METRICS = METRICS / "stance.json"
# train_stance writes one confusion table per subset (a DVC confusion plot cannot filter rows)
# under these names in PLOTS (pipeline/train.py, run_train_stance).
STANCE_CONFUSION_HIGH = PLOTS / "stance_confusion_high.csv"
STANCE_CONFUSION_ALL = PLOTS / "stance_confusion_all.csv"
STANCE_CONFUSION_HELD_OUT = PLOTS / "stance_confusion_held_out.csv"
STANCE_RELIABILITY = PLOTS / "stance_reliability.csv"
RELATION_DETAILS = PLOTS / "relation_details.json"
