"""The coding database: models, engines and migrations. Holds no raw identifier."""
