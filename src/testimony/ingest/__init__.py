"""Reading transcripts: decoding, format readers, and segmentation into excerpts."""
