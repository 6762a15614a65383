//! The `padron` command-line tool.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[path = "padron/name.rs"]
mod name;

/// Privacy-preserving record linkage of Mexican social-program registries.
#[derive(Debug, Parser)]
#[command(name = "padron", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Mexican names: MXF-1 keys, normalization, comparison.
    #[command(subcommand)]
    Name(name::NameCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Name(cmd) => name::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("padron: {e:#}");
            ExitCode::from(2)
        }
    }
}
