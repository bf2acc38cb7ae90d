"""The benchmarks behind `make bench`: every main job measured against a reference in the same run."""
