"""sweepgrad's neural networks, built from ``engine.Value``s."""
