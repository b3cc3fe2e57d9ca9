"""REFI-QDA exchange in: .qdpx projects and .qdc codebooks from other QDA tools."""
