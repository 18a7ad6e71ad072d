"""Tests of engine.drawing."""
