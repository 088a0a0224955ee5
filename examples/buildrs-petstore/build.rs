//! Generates the petstore client and server into `OUT_DIR` (mounted by `src/lib.rs`).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    openapi_gen::Config::new()
        .spec("spec/petstore.yaml")
        .mock(true)
        .generate_to_out_dir()?;
    Ok(())
}
