//! The `padron` command-line tool.

#[path = "padron/key.rs"]
mod key;

use clap::Parser;
use std::process::ExitCode;

/// Privacy-preserving record linkage of Mexican social-program registries.
#[derive(Debug, Parser)]
#[command(name = "padron", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, clap::Subcommand)]
enum Command {
    /// Create keys and show their fingerprints.
    #[command(subcommand)]
    Key(key::KeyCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Key(cmd) => key::run(cmd),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("padron: {e:#}");
            ExitCode::from(2)
        }
    }
}
