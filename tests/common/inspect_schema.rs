//! The JSON Schema of `inspect -o json` (docs/schemas/inspect.v1.json), applied to real outputs.

/// Every violation of docs/schemas/inspect.v1.json in `doc`.
pub fn inspect_schema_errors(doc: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/docs/schemas/inspect.v1.json"
        ))
        .expect("schema file"),
    )
    .expect("schema is JSON");
    let validator = jsonschema::draft202012::new(&schema).expect("schema compiles");
    validator
        .iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect()
}

/// Validates `doc` against docs/schemas/inspect.v1.json, listing every violation.
#[allow(dead_code)]
pub fn assert_valid_inspect(doc: &serde_json::Value) {
    let errors = inspect_schema_errors(doc);
    assert!(
        errors.is_empty(),
        "inspect JSON violates its schema: {errors:#?}\n{doc:#}"
    );
}
