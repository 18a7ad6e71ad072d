"""What several test files share: readers of drawings, command runners, tables of ops.

A test file imports its helpers from here, never from another test file
(``tests/test_layering.py`` checks it): importing a test module would also
collect its tests twice and run its module-level skips.
"""
