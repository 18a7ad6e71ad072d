"""sweepgrad's test suite (a package, so it cannot shadow ``engine`` or ``nn``)."""
