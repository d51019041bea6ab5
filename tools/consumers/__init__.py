"""Run other projects' own array-API test suites with tmath_array as one more namespace."""
