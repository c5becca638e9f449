//! Screening latency (criterion). Filled in once the engine lands.
fn main() {}
