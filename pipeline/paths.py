"""Where each stage reads and writes, relative to the project folder (mirrors dvc.yaml)."""

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
ENCODER_MODEL = MODELS / "encoder"
CLAIM_MODEL = MODELS / "claims"
STANCE_MODEL = MODELS / "stance"
