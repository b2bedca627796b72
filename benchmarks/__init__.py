"""argmap's benchmarks, outside the product package: `argmap-bench speed` (time and memory per
stage) and `argmap-bench quality ...` (key points and clustering against published data)."""
