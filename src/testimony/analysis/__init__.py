"""Analysis of coded testimony: agreement between coders, counts and co-occurrence."""
