"""argmap: map a debate from articles and their comment threads."""

import os as _os

# One BLAS thread per process unless the user asks otherwise. The stages' matrix work is small
# (PCA over n x 384, similarity products), the cores are used by worker processes instead
# (pipeline/workers.py), and a multi-threaded BLAS that shares its cores with busy processes
# spins: PCA of 9k claims took 29 s that way here, against 1.5 s on one thread. Set before
# numpy is first imported, which is when OpenBLAS reads it.
# torch does not use OpenBLAS, so its threads are left as they are.
_os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

__version__ = "0.1.0"
