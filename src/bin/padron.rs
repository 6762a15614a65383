//! The `padron` command-line tool: a thin layer over the `padron` library.
//!
//! Exit codes: 0 success, 1 when a `check` found problems, 2 on usage or I/O
//! errors.

// The crate root is src/bin/padron.rs, so its modules would be looked up in
// src/bin/; they live in src/bin/padron/.
#[path = "padron/common.rs"]
mod common;
#[path = "padron/curp.rs"]
mod curp;
#[path = "padron/demo.rs"]
mod demo;
#[path = "padron/encode.rs"]
mod encode;
#[path = "padron/eval.rs"]
mod eval;
#[path = "padron/key.rs"]
mod key;
#[path = "padron/link.rs"]
mod link;
#[path = "padron/name.rs"]
mod name;
#[path = "padron/synth.rs"]
mod synth;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Privacy-preserving record linkage of Mexican social-program padrones.
#[derive(Parser, Debug)]
#[command(name = "padron", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Validate, decode and derive CURPs.
    #[command(subcommand)]
    Curp(curp::CurpCommand),
    /// The whole protocol on synthetic padrones, scored against the truth.
    Demo(demo::DemoArgs),
    /// Link two padrones (encodings files, or CSV with --key inside one agency).
    Link(link::LinkArgs),
    /// Deduplicate one padrón: a cluster id per record.
    Dedupe(link::DedupeArgs),
    /// Pseudonymize a padrón under a secret key (what leaves an agency).
    Encode(encode::EncodeArgs),
    /// Create keys and show their fingerprints.
    #[command(subcommand)]
    Key(key::KeyCommand),
    /// Mexican names: MXF-1 keys, normalization, comparison.
    #[command(subcommand)]
    Name(name::NameCommand),
    /// Generate synthetic padrones with ground truth.
    Synth(synth::SynthArgs),
    /// Accuracy of matches against ground truth.
    Eval(eval::EvalArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Curp(c) => curp::run(c),
        Command::Demo(a) => demo::run(a),
        Command::Link(a) => link::run_link(a),
        Command::Dedupe(a) => link::run_dedupe(a),
        Command::Encode(a) => encode::run(a),
        Command::Key(c) => key::run(c),
        Command::Name(c) => name::run(c),
        Command::Synth(a) => synth::run(a),
        Command::Eval(a) => eval::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            // A closed pipe (`padron … | head`) is not an error.
            if let Some(io) = e.root_cause().downcast_ref::<std::io::Error>() {
                if io.kind() == std::io::ErrorKind::BrokenPipe {
                    return ExitCode::SUCCESS;
                }
            }
            eprintln!("padron: {e:#}");
            ExitCode::from(2)
        }
    }
}
