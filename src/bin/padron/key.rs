//! `padron key new` and `padron key fingerprint`.

use anyhow::Context;
use std::path::PathBuf;
use std::process::ExitCode;

use padron::pseudo::keyfile::{read_key, write_new_key};
use padron::pseudo::Key;

/// Secret keys shared by the agencies that link their padrones.
#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Create a new random 256-bit key in a new file, readable by its owner
    /// only. Never overwrites a file. Prints the key's public fingerprint.
    New {
        /// Path of the key file to create.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: PathBuf,
    },
    /// Print a key file's public fingerprint (16 hex digits, safe to share:
    /// agencies compare fingerprints to check they hold the same key).
    Fingerprint {
        /// The key file.
        #[arg(value_name = "FILE")]
        file: PathBuf,
    },
}

/// Runs a `key` subcommand.
pub fn run(cmd: KeyCommand) -> anyhow::Result<ExitCode> {
    match cmd {
        KeyCommand::New { output } => {
            let key = Key::generate().context("could not generate a key")?;
            let warnings = write_new_key(&output, &key)
                .with_context(|| format!("could not create key file {}", output.display()))?;
            for w in warnings {
                eprintln!("padron: warning: {}: {w}", output.display());
            }
            eprintln!("padron: wrote a new key to {}", output.display());
            println!("{}", key.fingerprint());
        }
        KeyCommand::Fingerprint { file } => {
            let (key, warnings) = read_key(&file)
                .with_context(|| format!("could not read key file {}", file.display()))?;
            for w in warnings {
                eprintln!("padron: warning: {}: {w}", file.display());
            }
            println!("{}", key.fingerprint());
        }
    }
    Ok(ExitCode::SUCCESS)
}
