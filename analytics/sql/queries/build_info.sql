SELECT build_id, built_at, schema_version, duration_s, mirror, python, duckdb FROM build_info
