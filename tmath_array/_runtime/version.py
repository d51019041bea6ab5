"""The package's version and the array API version it implements (re-exported by the face)."""

__version__ = "0.1.0"
__array_api_version__ = "2025.12"
# The versions ``__array_namespace__(api_version=...)`` accepts.
API_VERSIONS = ("2023.12", "2024.12", "2025.12")
