"""The REST API: thin views translating HTTP to the archive's services and the search service."""
