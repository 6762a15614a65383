//! The `padron` command-line tool.
fn main() {}
